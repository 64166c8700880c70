/**
 * From a raw data set to what the trainer consumes: a seeded shuffle and cut
 * into train and validation, standardization fitted on the training rows
 * only (fitting it on validation rows would leak them into training), and
 * one-hot targets.
 */
import type { Normalization } from '../../../src-shared/design/types';
import { permutation } from './random';
import type { Random } from './random';
import type { DataError, LoadedData, RawData, Split } from './types';

/** A standard deviation below this is treated as a constant feature and left unscaled. */
const MIN_STD = 1e-8;

/**
 * Splits, normalizes and encodes `raw`. `random` drives only the split, so
 * the rows in each split are the same whatever generated them. With
 * `validationSplit` > 0 at least one row goes to each side.
 */
export function prepare(
  raw: RawData,
  validationSplit: number,
  normalize: Normalization,
  random: Random,
): LoadedData | DataError {
  const { n } = raw;
  let validationRows = 0;
  if (validationSplit > 0) {
    if (n < 2) {
      return {
        type: 'invalidSpec',
        message: `the data has ${n} row; holding out a validation split needs at least 2 (or set training.validationSplit to 0)`,
      };
    }
    validationRows = Math.min(n - 1, Math.max(1, Math.round(n * validationSplit)));
  }
  // The shuffle happens even without a validation split, so the training rows
  // are never grouped by class (generators emit them class by class).
  const order = permutation(n, random);
  const trainRows = order.subarray(0, n - validationRows);
  const heldRows = order.subarray(n - validationRows);
  const train = gather(raw, trainRows);
  const validation = validationRows > 0 ? gather(raw, heldRows) : null;

  let normalization: LoadedData['normalization'] = null;
  if (normalize === 'standardize') {
    const width = raw.x.length / Math.max(n, 1);
    normalization = raw.scalarNormalization
      ? fitScalar(train.x, width)
      : fitPerFeature(train.x, train.n, width);
    apply(train.x, normalization);
    if (validation) apply(validation.x, normalization);
  }
  const loaded: LoadedData = {
    train,
    validation,
    inputShape: [...raw.inputShape],
    outputUnits: raw.outputUnits,
    task: raw.task,
    normalization,
  };
  if (raw.classNames) loaded.classNames = [...raw.classNames];
  if (raw.featureNames) loaded.featureNames = [...raw.featureNames];
  return loaded;
}

/** Copies the given rows of `raw` into a new split, with one-hot or regression targets. */
function gather(raw: RawData, rows: Int32Array): Split {
  const width = raw.x.length / Math.max(raw.n, 1);
  const units = raw.outputUnits;
  const n = rows.length;
  const x = new Float32Array(n * width);
  const y = new Float32Array(n * units);
  const labels = raw.labels ? new Int32Array(n) : undefined;
  rows.forEach((source, row) => {
    x.set(raw.x.subarray(source * width, (source + 1) * width), row * width);
    if (raw.labels && labels) {
      labels[row] = raw.labels[source];
      y[row * units + raw.labels[source]] = 1;
    } else if (raw.targets) {
      y.set(raw.targets.subarray(source * units, (source + 1) * units), row * units);
    }
  });
  return labels ? { x, y, labels, n } : { x, y, n };
}

/** Per-feature mean and standard deviation (population), accumulated in float64. */
function fitPerFeature(x: Float32Array, n: number, width: number): NonNullable<LoadedData['normalization']> {
  const mean = new Float64Array(width);
  const squares = new Float64Array(width);
  for (let row = 0; row < n; row++) {
    for (let f = 0; f < width; f++) mean[f] += x[row * width + f];
  }
  for (let f = 0; f < width; f++) mean[f] /= Math.max(n, 1);
  // Two passes (mean first) avoid the cancellation of E[x²] − E[x]².
  for (let row = 0; row < n; row++) {
    for (let f = 0; f < width; f++) {
      const d = x[row * width + f] - mean[f];
      squares[f] += d * d;
    }
  }
  const std = squares.map((s) => guardStd(Math.sqrt(s / Math.max(n, 1))));
  return { mean: Float32Array.from(mean), std: Float32Array.from(std) };
}

/**
 * One mean and standard deviation over every value, for images: per-pixel
 * statistics would blow up the always-black border pixels of MNIST (std ≈ 0)
 * and destroy the spatial meaning of intensity that convolutions rely on.
 */
function fitScalar(x: Float32Array, width: number): NonNullable<LoadedData['normalization']> {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  const mean = sum / Math.max(x.length, 1);
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += (x[i] - mean) ** 2;
  const std = guardStd(Math.sqrt(squares / Math.max(x.length, 1)));
  return { mean: new Float32Array(width).fill(mean), std: new Float32Array(width).fill(std) };
}

function guardStd(std: number): number {
  return Number.isFinite(std) && std >= MIN_STD ? std : 1;
}

function apply(x: Float32Array, { mean, std }: NonNullable<LoadedData['normalization']>): void {
  const width = mean.length;
  for (let i = 0; i < x.length; i++) {
    const f = i % width;
    x[i] = (x[i] - mean[f]) / std[f];
  }
}
