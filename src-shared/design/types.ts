/**
 * The design document: what a `.backflow.json` file holds once parsed,
 * validated and migrated. Plain data, replaced rather than mutated; UI-only
 * state (selection, measured sizes, training output) never enters it.
 */
import type { LayerType, Params } from '../layers/types';

/** The `format` tag every design file carries. */
export const DESIGN_FORMAT = 'backflow.design';

/** The newest `formatVersion` this build reads and the one it writes. */
export const CURRENT_FORMAT_VERSION = 1;

export interface Position {
  x: number;
  y: number;
}

export interface DesignNode {
  /** Unique within the design; the engine names the tfjs layer and its telemetry by it. */
  id: string;
  type: LayerType;
  /** Validated against the layer's schema; defaults are filled on load. */
  params: Params;
  /**
   * False freezes the node's weights: training leaves them (and a batch
   * normalization's moving statistics) unchanged while telemetry still
   * reports their gradients. Absent means true; only `false` is written.
   */
  trainable?: boolean;
  position?: Position;
}

export interface DesignEdge {
  id: string;
  source: string;
  target: string;
  /** `in0`, `in1`, … on multi-input layers (`add`, `concatenate`), giving the input order. */
  targetHandle?: string;
}

export interface DesignGraph {
  nodes: readonly DesignNode[];
  edges: readonly DesignEdge[];
}

/** The built-in data sets. */
export const BUILTIN_DATASETS = [
  'spiral',
  'moons',
  'circles',
  'xor',
  'gaussians',
  'sine',
  'iris',
  'mnist',
] as const;

export type BuiltinDatasetName = (typeof BUILTIN_DATASETS)[number];

export type Normalization = 'standardize' | 'none';

export interface BuiltinDataSpec {
  source: 'builtin';
  name: BuiltinDatasetName;
  /** Number of examples generated (or, for Iris and MNIST, taken). */
  samples?: number;
  /** Classes for spiral and gaussians (2 for moons, circles, xor). */
  classes?: number;
  /** Standard deviation of the noise added to generated points. */
  noise?: number;
  normalize?: Normalization;
}

export interface CsvDataSpec {
  source: 'csv';
  /** Relative to the design file's folder; never outside it. */
  path: string;
  /** The label column's header. */
  target: string;
  normalize?: Normalization;
}

export type DataSpec = BuiltinDataSpec | CsvDataSpec;

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface TrainingSpec {
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Same seed → same initial weights, data, split and batch order on every backend. */
  seed: number;
  /** Fraction of the data held out for validation; 0 allowed. */
  validationSplit?: number;
  /** Momentum coefficient for `momentum`, decay for `rmsprop`. */
  momentum?: number;
  /** Clip the global L2 norm of all gradients to this value; absent or 0 means no clipping. */
  clipNorm?: number;
}

export interface Design {
  format: typeof DESIGN_FORMAT;
  formatVersion: number;
  name: string;
  /** What the design demonstrates; shown in the gallery. */
  description?: string;
  graph: DesignGraph;
  data: DataSpec;
  training: TrainingSpec;
}
