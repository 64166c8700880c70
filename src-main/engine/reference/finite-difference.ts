/**
 * Gradients of the reference network's batch-mean loss by central finite
 * differences, and the statistics telemetry derives from a gradient. The
 * five-point stencil [f(−2h) − 8f(−h) + 8f(h) − f(2h)] / 12h has O(h⁴)
 * truncation error, so a small h keeps clear of ReLU / max-pool kinks while
 * the float64 rounding error (~1e-16 / h) stays near 1e-11.
 */
import { HISTOGRAM_BINS, HISTOGRAM_LOG10_MIN } from '../../../src-shared/telemetry';
import { referenceForward, type ReferenceModel } from './network';

/** Step of the finite differences. */
export const FD_STEP = 1e-5;

function stencil(f: (delta: number) => number, h: number): number {
  return (f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h);
}

/** ∂L/∂w for every entry of weight `key` (e.g. `d1/kernel`). */
export function weightGradient(model: ReferenceModel, key: string): Float64Array {
  const w = model.weights.get(key);
  if (!w) throw new Error(`no weight ${key}`);
  return w.map((_, i) => {
    const original = w[i];
    const value = stencil((delta) => {
      w[i] = original + delta;
      return referenceForward(model).loss;
    }, FD_STEP);
    w[i] = original;
    return value;
  });
}

/** ∂L/∂(node's output) for every element, over the whole batch. */
export function outputGradient(model: ReferenceModel, nodeId: string): Float64Array {
  const size = referenceForward(model).outputs.get(nodeId)!.data.length;
  const grad = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    grad[i] = stencil((delta) => referenceForward(model, { nodeId, index: i, delta }).loss, FD_STEP);
  }
  return grad;
}

/**
 * ∂L/∂(node's output) for every element, with the perturbation seen only by
 * the input edges `readers`: the gradient that reaches the node along those
 * edges alone (one path of a residual block, at its block input).
 */
export function edgeGradient(
  model: ReferenceModel,
  nodeId: string,
  readers: readonly { node: string; slot: number }[],
): Float64Array {
  const size = referenceForward(model).outputs.get(nodeId)!.data.length;
  const grad = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    grad[i] = stencil((delta) => referenceForward(model, { nodeId, index: i, delta, readers }).loss, FD_STEP);
  }
  return grad;
}

/** ‖v‖₂. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Histogram bin of |g| as the telemetry contract defines it: ⌊log10|g|⌋ − MIN, clamped. */
export function histogramBin(g: number): number {
  const magnitude = Math.abs(g);
  if (magnitude === 0) return 0;
  const bin = Math.floor(Math.log10(magnitude)) - HISTOGRAM_LOG10_MIN;
  return Math.min(Math.max(bin, 0), HISTOGRAM_BINS - 1);
}

/** What telemetry should report about a kernel gradient, from the float64 gradient. */
export interface GradientSummary {
  norm: number;
  meanAbs: number;
  maxAbs: number;
  histogram: number[];
  /**
   * For each boundary k (between bin k−1 and bin k), how many entries may
   * legitimately land on either side of it: those within `closeness`
   * (relative) of it, and those below the noise floor (see {@link summarize})
   * for every boundary up to 10 × the floor. Index 0 is unused.
   */
  nearBoundary: number[];
}

/**
 * Relative noise floor of a gradient entry: the engine's float32 sums carry
 * absolute errors of a few ulps of the largest terms (≈ 1e-7 · max|g|), and
 * the finite differences ≈ 1e-11 / max|g| of it, so an entry below
 * 1e-6 · max|g| has no reliable decade (seen: a 1e-9 entry of a GELU net's
 * output kernel whose largest entry is 0.3).
 */
export const NOISE_FLOOR = 1e-6;

/** Norm, mean and max of |g|, and the log10 histogram with its ambiguous entries. */
export function summarize(g: Float64Array, closeness = 1e-3): GradientSummary {
  const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
  const nearBoundary = new Array<number>(HISTOGRAM_BINS).fill(0);
  let sum = 0;
  let max = 0;
  for (const v of g) max = Math.max(max, Math.abs(v));
  const floor = NOISE_FLOOR * max;
  for (const v of g) {
    const a = Math.abs(v);
    sum += a;
    const bin = histogramBin(v);
    histogram[bin]++;
    if (a < floor) {
      for (let k = 1; k < HISTOGRAM_BINS && 10 ** (k + HISTOGRAM_LOG10_MIN) <= 10 * floor; k++)
        nearBoundary[k]++;
      continue;
    }
    const power = Math.round(Math.log10(a));
    const boundary = power - HISTOGRAM_LOG10_MIN;
    if (boundary >= 1 && boundary < HISTOGRAM_BINS && Math.abs(a / 10 ** power - 1) < closeness) {
      nearBoundary[boundary]++;
    }
  }
  return { norm: norm(g), meanAbs: sum / g.length, maxAbs: max, histogram, nearBoundary };
}

/**
 * Why `engine` is not an acceptable histogram for `expected`, or null. The
 * totals must match, and at every boundary the cumulative counts may differ
 * by at most the number of entries within rounding distance of it (the only
 * way float32 can legitimately move an entry is across the nearest power of ten).
 */
export function histogramMismatch(engine: readonly number[], expected: GradientSummary): string | null {
  const total = expected.histogram.reduce((a, b) => a + b, 0);
  const engineTotal = engine.reduce((a, b) => a + b, 0);
  if (engineTotal !== total) return `histogram counts ${engineTotal} entries, the kernel has ${total}`;
  let below = 0;
  let engineBelow = 0;
  for (let k = 1; k < HISTOGRAM_BINS; k++) {
    below += expected.histogram[k - 1];
    engineBelow += engine[k - 1];
    if (Math.abs(below - engineBelow) > expected.nearBoundary[k]) {
      return `below 1e${k + HISTOGRAM_LOG10_MIN}: engine counts ${engineBelow}, reference ${below} (engine [${engine.join(',')}], reference [${expected.histogram.join(',')}])`;
    }
  }
  return null;
}

/** Mean and (biased) standard deviation over all elements. */
export function moments(v: ArrayLike<number>): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i];
  mean /= v.length;
  let variance = 0;
  for (let i = 0; i < v.length; i++) variance += (v[i] - mean) ** 2;
  return { mean, std: Math.sqrt(variance / v.length) };
}

/** Fraction of pre-activations with |z| above `threshold`. */
export function saturatedFraction(z: ArrayLike<number>, threshold: number): number {
  let count = 0;
  for (let i = 0; i < z.length; i++) if (Math.abs(z[i]) > threshold) count++;
  return count / z.length;
}

/** Fraction of units (every non-batch position) whose pre-activation is ≤ 0 for every example. */
export function deadFraction(z: ArrayLike<number>, batch: number): number {
  const units = z.length / batch;
  let dead = 0;
  for (let u = 0; u < units; u++) {
    let alive = false;
    for (let b = 0; b < batch; b++) if (z[b * units + u] > 0) alive = true;
    if (!alive) dead++;
  }
  return dead / units;
}
