/**
 * What the data loader hands the trainer. Plain typed arrays, no tensors: the
 * trainer decides when to upload, and the same arrays can cross a
 * `worker_threads` boundary or be checked in a test without TensorFlow.js.
 */
import type { DataTask } from '../../../src-shared/design/datasets';

/** One part of the data (train or validation), rows in a fixed order. */
export interface Split {
  /** n × prod(inputShape) features, row-major (an MNIST row is 28 × 28 × 1, HWC). */
  x: Float32Array;
  /** n × outputUnits: one-hot for classification, the target values for regression. */
  y: Float32Array;
  /** Class index of each row, for classification only (accuracy, confusion). */
  labels?: Int32Array;
  /** Number of rows. */
  n: number;
}

/** A data set ready for training. */
export interface LoadedData {
  train: Split;
  /** Held-out rows; null when `validationSplit` is 0. */
  validation: Split | null;
  /** Shape of one example without the batch dimension, e.g. [2] or [28, 28, 1]. */
  inputShape: number[];
  /** Number of classes (classification) or of targets (regression: 1). */
  outputUnits: number;
  task: DataTask;
  /** Class k's name, for legends; classification only. */
  classNames?: string[];
  /** Feature names (CSV headers, Iris measurements); absent for images. */
  featureNames?: string[];
  /**
   * The standardization applied to `x` (x' = (x − mean) / std), one entry per
   * feature, from the training split only; null with `normalize: 'none'`.
   * For MNIST a single scalar mean and std are used for every pixel, repeated
   * per feature so consumers can always apply it element-wise.
   */
  normalization: { mean: Float32Array; std: Float32Array } | null;
}

/** Why loading failed; `type` is what the UI switches over. */
export type DataErrorType =
  'missingFile' | 'malformedCsv' | 'badTarget' | 'outsideFolder' | 'invalidSpec' | 'tooLarge';

/**
 * A load failure, phrased for the user. `file` is the path as the design
 * names it; `line` and `column` are 1-based positions in that file.
 */
export interface DataError {
  type: DataErrorType;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** The loader's answer: errors are data, it never throws. */
export type DataResult = { ok: true; value: LoadedData } | { ok: false; error: DataError };

/**
 * A data set as produced by a generator or reader, before the split and the
 * normalization: rows in generation order.
 */
export interface RawData {
  x: Float32Array;
  n: number;
  inputShape: number[];
  task: DataTask;
  /** Class index per row (classification). */
  labels?: Int32Array;
  /** Target per row (regression, one target). */
  targets?: Float32Array;
  /** Number of classes (classification) or 1 (regression). */
  outputUnits: number;
  classNames?: string[];
  featureNames?: string[];
  /** Standardize with one mean and std for all features (images) rather than per feature. */
  scalarNormalization?: boolean;
}

/** Type guard separating a loader's error from its data. */
export function isDataError(value: unknown): value is DataError {
  return typeof value === 'object' && value !== null && 'type' in value && 'message' in value;
}
