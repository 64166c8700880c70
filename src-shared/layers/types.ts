/**
 * The contract every entry of the layer catalogue fulfils. The editor (palette,
 * inspector, connection checks), the design validator and the engine's model
 * builder all read these specs, so "what is a dense layer" has one answer.
 */

/** Every layer type a design may contain, spelled as in the design file. */
export const LAYER_TYPES = [
  'input',
  'dense',
  'conv2d',
  'maxPooling2d',
  'averagePooling2d',
  'flatten',
  'dropout',
  'activation',
  'batchNormalization',
  'layerNormalization',
  'add',
  'concatenate',
  'output',
] as const;

export type LayerType = (typeof LAYER_TYPES)[number];

/** Palette group; also decides the node colour in the editor. */
export type LayerCategory = 'inputs' | 'layers' | 'activations' | 'normalization' | 'merges' | 'outputs';

/**
 * A tensor shape without the batch dimension: `[64]` for a dense layer's output,
 * `[28, 28, 16]` (height, width, channels) for a conv layer's.
 */
export type Shape = readonly number[];

/** A JSON value as found in a design file's `params`. */
export type ParamValue =
  number | string | boolean | readonly number[] | { readonly [key: string]: number | string };

export type Params = Readonly<Record<string, ParamValue>>;

interface ParamSpecBase {
  /** Short label for the inspector. */
  label: string;
  /** One sentence for tooltips and the schema's description. */
  help: string;
}

/** An integer in [min, max]. */
export interface IntParamSpec extends ParamSpecBase {
  kind: 'int';
  default: number;
  min: number;
  max: number;
}

/** A finite real number in [min, max] (bounds inclusive unless `exclusiveMin`). */
export interface NumberParamSpec extends ParamSpecBase {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  exclusiveMin?: boolean;
}

/** One string out of a fixed list. */
export interface EnumParamSpec extends ParamSpecBase {
  kind: 'enum';
  options: readonly string[];
  default: string;
}

export interface BoolParamSpec extends ParamSpecBase {
  kind: 'bool';
  default: boolean;
}

/**
 * A list of integers (an input shape), or, when `scalarAllowed`, a single
 * integer that stands for the same value repeated `length` times (Keras's
 * `kernelSize: 3` meaning `[3, 3]`).
 */
export interface IntListParamSpec extends ParamSpecBase {
  kind: 'intList';
  default: number | readonly number[];
  minLength: number;
  maxLength: number;
  min: number;
  max: number;
  scalarAllowed: boolean;
}

/** A weight initializer: a name, or `{ name, stddev | limit | gain }`. */
export interface InitializerParamSpec extends ParamSpecBase {
  kind: 'initializer';
  default: string;
}

export type ParamSpec =
  IntParamSpec | NumberParamSpec | EnumParamSpec | BoolParamSpec | IntListParamSpec | InitializerParamSpec;

/** Facts from outside the graph that shape inference needs. */
export interface ShapeContext {
  /**
   * Width of the `output` layer: the data's number of classes (or regression
   * targets). Undefined when the data is not known yet (the editor before a
   * dataset is chosen); the output then shows `?`.
   */
  outputUnits?: number;
  /**
   * Shape of one example of the chosen data set. When known, the `input`
   * node's `shape` must equal it.
   */
  dataInputShape?: Shape;
}

export type ShapeResult = { ok: true; shape: Shape } | { ok: false; message: string };

/** How many incoming edges a layer takes. Multi-input layers use handles `in0`, `in1`, …. */
export interface InputArity {
  min: number;
  max: number;
}

/** One layer type's catalogue entry. */
export interface LayerSpec {
  type: LayerType;
  /** Human name for the palette ("Dense", "Batch normalization"). */
  label: string;
  category: LayerCategory;
  /** One sentence: what the layer does and when to use it. */
  description: string;
  inputs: InputArity;
  /** False only for `output`, which closes the network. */
  hasOutput: boolean;
  params: Readonly<Record<string, ParamSpec>>;
  /**
   * Output shape from the input shapes and (already validated, defaults
   * filled) params. A failure message is written for the user and does not
   * repeat the node id; the caller prefixes it.
   */
  inferShape(inputs: readonly Shape[], params: Params, context: ShapeContext): ShapeResult;
  /** Number of trainable + non-trainable weights given the input shapes. */
  paramCount(inputs: readonly Shape[], params: Params, context: ShapeContext): number;
  /** A compact summary for the node face, e.g. `64 · sigmoid`. */
  summary(params: Params): string;
}
