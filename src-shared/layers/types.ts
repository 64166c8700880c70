/**
 * The contract every entry of the layer catalogue fulfils. The editor (palette,
 * inspector, connection checks), the design validator, the engine's model
 * builder, the exporters, the importers and the weight fitter all read these
 * specs, so "what is a dense layer, and which weights does it have" has one
 * answer. A spec's parameter schema is also its params' type (see
 * {@link ParamsOf}), so readers get `params.units` as a number, not a cast.
 */
import type { InitializerSpec } from './initializers';

/** Every layer type a design may contain, spelled as in the design file. */
export const LAYER_TYPES = [
  'input',
  'dense',
  'conv2d',
  'maxPooling2d',
  'averagePooling2d',
  'globalAveragePooling2d',
  'flatten',
  'reshape',
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

/** An initializer as a design writes it: a name, or `{ name, stddev | limit | gain }`. */
export type InitializerValue = string | { readonly [key: string]: number | string };

/** A JSON value as found in a design file's `params`. */
export type ParamValue = number | string | boolean | readonly number[] | InitializerValue;

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
export interface EnumParamSpec<O extends string = string> extends ParamSpecBase {
  kind: 'enum';
  options: readonly O[];
  default: O;
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
export interface IntListParamSpec<Scalar extends boolean = boolean> extends ParamSpecBase {
  kind: 'intList';
  default: number | readonly number[];
  minLength: number;
  maxLength: number;
  min: number;
  max: number;
  scalarAllowed: Scalar;
}

/** A weight initializer: a name, or `{ name, stddev | limit | gain }`. */
export interface InitializerParamSpec extends ParamSpecBase {
  kind: 'initializer';
  default: string;
}

export type ParamSpec =
  IntParamSpec | NumberParamSpec | EnumParamSpec | BoolParamSpec | IntListParamSpec | InitializerParamSpec;

/** A layer's parameter schema: each param's name and spec. */
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

/** The value a validated param of spec `S` holds. */
export type ParamValueOf<S extends ParamSpec> = S extends { kind: 'int' | 'number' }
  ? number
  : S extends { kind: 'enum'; options: readonly (infer O)[] }
    ? O
    : S extends { kind: 'bool' }
      ? boolean
      : S extends { kind: 'intList'; scalarAllowed: false }
        ? readonly number[]
        : S extends { kind: 'intList' }
          ? number | readonly number[]
          : S extends { kind: 'initializer' }
            ? InitializerValue
            : never;

/**
 * The params of a layer whose schema is `S`, as validateParams returns them
 * (every key present, defaults filled): the schema is the type.
 */
export type ParamsOf<S extends ParamSchema> = { readonly [K in keyof S]: ParamValueOf<S[K]> };

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

/**
 * What one stored weight is for. `kernel` (or a normalization's `gamma`) is
 * what telemetry's gradNorm measures; `movingMean` and `movingVariance` are a
 * batch normalization's statistics, stored and exported but never trained.
 */
export type WeightRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'movingMean' | 'movingVariance';

/** How a weight starts: a design initializer, or all ones (a normalization's gamma). */
export type WeightInit = InitializerSpec | { name: 'ones' };

/** One weight a layer holds: what the builder creates, exporters write and importers expect. */
export interface WeightSpec {
  role: WeightRole;
  /** Keras / TensorFlow.js layout: dense [in, out], conv [kh, kw, in, out], per-feature [features]. */
  shape: number[];
  init: WeightInit;
  /** False for statistics the layer updates itself (BatchNorm's moving mean and variance). */
  trainable: boolean;
}

/** One layer type's catalogue entry; `S` is its parameter schema, which types its params. */
export interface LayerSpec<S extends ParamSchema = ParamSchema> {
  type: LayerType;
  /** Human name for the palette ("Dense", "Batch normalization"). */
  label: string;
  category: LayerCategory;
  /** One sentence: what the layer does and when to use it. */
  description: string;
  inputs: InputArity;
  /** False only for `output`, which closes the network. */
  hasOutput: boolean;
  params: S;
  /**
   * Output shape from the input shapes and (already validated, defaults
   * filled) params. A failure message is written for the user and does not
   * repeat the node id; the caller prefixes it.
   */
  inferShape(inputs: readonly Shape[], params: ParamsOf<S>, context: ShapeContext): ShapeResult;
  /**
   * Every weight the layer holds, in the order Keras and TensorFlow.js store
   * them, for input shapes and an `output` shape that {@link inferShape}
   * accepted and returned. The one description the model builder, the weight
   * count, the exporters, the importers and the pretrained-weight fitter read.
   */
  weights(inputs: readonly Shape[], params: ParamsOf<S>, output: Shape): WeightSpec[];
  /** A compact summary for the node face, e.g. `64 · sigmoid`; params may be raw (unvalidated). */
  summary(params: Params): string;
}

/**
 * Declares a catalogue entry. The schema is inferred from `params`, so the
 * entry's `inferShape` and `weights` receive typed params (`units: number`,
 * `activation: Activation`) without casts.
 */
export function defineLayer<S extends ParamSchema>(spec: LayerSpec<S>): LayerSpec<S> {
  return spec;
}
