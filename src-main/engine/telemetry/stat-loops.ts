/**
 * The per-layer statistics as plain loops over float32 arrays, for the cpu
 * backend (whose tensors are such arrays) and as the reference the SIMD
 * WebAssembly version (stats.wat, for wasm) is tested against: one pass per
 * tensor instead of a dozen tfjs ops, each a full pass with its own
 * dispatch. Sums are accumulated in float64, so squares of 1e-25 gradients
 * neither underflow nor need rescaling. The GPU backends use the op version
 * (stats-ops.ts); all three fill the same packed row.
 */
import { HISTOGRAM_BINS, HISTOGRAM_LOG10_MIN, LAYER_STAT_FIELDS } from '../../../src-shared/telemetry';

export interface Saturation {
  center: number;
  halfWidth: number;
}

/** What to measure for one layer; buffers absent where a statistic does not apply. */
export interface LayerBuffers<B> {
  weightGrad?: B;
  weight?: B;
  /** The optimizer's step for `weight`, when not derived from the gradient. */
  weightStep?: B;
  /** Absent: the output had no gradient (nothing downstream), its norm is 0. */
  outputGrad?: B;
  output: B;
  /** Examples in the batch: the output's leading dimension. */
  batch: number;
  saturation?: Saturation;
  /** ReLU family: count units that are ≤ 0 for every example. */
  countDead: boolean;
}

const FIELD = Object.fromEntries(LAYER_STAT_FIELDS.map((f, i) => [f, i])) as Record<
  (typeof LAYER_STAT_FIELDS)[number],
  number
>;
const HISTOGRAM_AT = LAYER_STAT_FIELDS.length;

/**
 * Fills `row` (LAYER_STAT_STRIDE floats) with one layer's statistics; NaN
 * where one does not apply. Without a weight step, `stepScale` says the step
 * is stepScale · gradient (plain SGD), so ‖Δ‖ = |stepScale| · gradNorm. The
 * WebAssembly version (stats.wat, layerStats) follows this line by line.
 */
export function layerStatsInto(row: Float32Array, layer: LayerBuffers<Float32Array>, stepScale = NaN): void {
  row.fill(NaN);
  if (layer.weightGrad) {
    const g = gradientSummary(layer.weightGrad, row.subarray(HISTOGRAM_AT, HISTOGRAM_AT + HISTOGRAM_BINS));
    row[FIELD.gradNorm] = g.norm;
    row[FIELD.gradMeanAbs] = g.meanAbs;
    row[FIELD.gradMaxAbs] = g.maxAbs;
    if (layer.weight) {
      const stepNorm = layer.weightStep ? norm(layer.weightStep) : Math.abs(stepScale) * g.norm;
      row[FIELD.updateRatio] = stepNorm / norm(layer.weight);
    }
  }
  row[FIELD.outGradNorm] = layer.outputGrad ? norm(layer.outputGrad) : 0;
  const { mean, std } = moments(layer.output);
  row[FIELD.activationMean] = mean;
  row[FIELD.activationStd] = std;
  if (layer.saturation) row[FIELD.saturatedFraction] = saturatedFraction(layer.output, layer.saturation);
  if (layer.countDead) row[FIELD.deadFraction] = deadFraction(layer.output, layer.batch);
}

/** ‖x‖₂, accumulated in float64. */
export function norm(x: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    sum += v * v;
  }
  return Math.sqrt(sum);
}

/** Mean and population standard deviation; shifted by the first value so a large mean does not cancel the variance. */
export function moments(x: Float32Array): { mean: number; std: number } {
  const n = x.length;
  if (n === 0) return { mean: NaN, std: NaN };
  const shift = x[0];
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - shift;
    sum += d;
    squares += d * d;
  }
  const meanShifted = sum / n;
  return { mean: shift + meanShifted, std: Math.sqrt(Math.max(squares / n - meanShifted * meanShifted, 0)) };
}

/** Fraction of entries with |y − center| > halfWidth (saturation read from the output, see stats.ts). */
export function saturatedFraction(y: Float32Array, { center, halfWidth }: Saturation): number {
  let saturated = 0;
  for (let i = 0; i < y.length; i++) if (Math.abs(y[i] - center) > halfWidth) saturated++;
  return saturated / y.length;
}

/**
 * Fraction of units (positions after the batch axis) that are ≤ 0 for every
 * example. Unit by unit, stopping at the first positive example: a live unit
 * usually shows it within a few examples.
 */
export function deadFraction(y: Float32Array, batch: number): number {
  const units = y.length / batch;
  let dead = 0;
  for (let u = 0; u < units; u++) {
    let alive = false;
    for (let at = u; at < y.length && !alive; at += units) alive = y[at] > 0;
    if (!alive) dead++;
  }
  return dead / units;
}

/**
 * Norm, mean and max of |g| and the log10 histogram (counts added to
 * `histogram`, which is zeroed first). The bin comes from the float's bits:
 * a binade [2^e, 2^(e+1)) holds at most one power of ten, so the bin is the
 * binade's bin, plus one at or above that power (see BINADE_*).
 */
export function gradientSummary(
  g: Float32Array,
  histogram: Float32Array,
): { norm: number; meanAbs: number; maxAbs: number } {
  const bits = new Int32Array(g.buffer, g.byteOffset, g.length);
  const counts = new Int32Array(HISTOGRAM_BINS);
  let squares = 0;
  let sumAbs = 0;
  let maxBits = 0;
  for (let i = 0; i < g.length; i++) {
    // |g| as bits: ordered like the magnitudes, NaN above +∞.
    const b = bits[i] & 0x7fffffff;
    const e = b >>> 23;
    // (edge − b − 1) >> 31 is −1 (all ones) exactly when b ≥ edge: no branch to mispredict.
    counts[BINADE_BIN[e] + (((BINADE_EDGE[e] - b - 1) >> 31) & BINADE_STEP[e])]++;
    if (b > maxBits) maxBits = b;
    const v = g[i];
    squares += v * v;
    sumAbs += Math.abs(v);
  }
  for (let k = 0; k < HISTOGRAM_BINS; k++) histogram[k] = counts[k];
  return {
    norm: Math.sqrt(squares),
    meanAbs: g.length ? sumAbs / g.length : NaN,
    maxAbs: g.length ? floatFromBits(maxBits) : NaN,
  };
}

function floatFromBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setInt32(0, bits);
  return view.getFloat32(0);
}

function bitsOfFloat(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getInt32(0);
}

function clampBin(log10Floor: number): number {
  return Math.min(Math.max(log10Floor - HISTOGRAM_LOG10_MIN, 0), HISTOGRAM_BINS - 1);
}

/**
 * Per float32 exponent field e (the binade [2^(e−127), 2^(e−126))): its
 * bin, the bits of the power of ten inside it (or never reached), and how
 * far the bin moves at that power (0 once clamped). Zeros and subnormals
 * (e = 0) go to the first bin, ±∞ and NaN (e = 255) to the last.
 */
const BINADE_BIN = new Int32Array(256);
const BINADE_EDGE = new Int32Array(256).fill(0x7fffffff);
const BINADE_STEP = new Int32Array(256);
for (let e = 1; e < 255; e++) {
  const low = 2 ** (e - 127);
  const decade = Math.floor(Math.log10(low));
  BINADE_BIN[e] = clampBin(decade);
  const power = Number(`1e${decade + 1}`);
  if (power < 2 * low) {
    BINADE_EDGE[e] = bitsOfFloat(float32AtLeast(power));
    BINADE_STEP[e] = clampBin(decade + 1) - BINADE_BIN[e];
  }
}
// ±∞ to the last bin; NaN (bits above +∞'s) back to the first, as the
// SIMD version's comparisons (false for NaN) do.
BINADE_BIN[255] = HISTOGRAM_BINS - 1;
BINADE_EDGE[255] = 0x7f800001;
BINADE_STEP[255] = -(HISTOGRAM_BINS - 1);

/**
 * The histogram's inner edges: bin k (k ≥ 1) starts at HISTOGRAM_EDGES[k],
 * the smallest float32 at or above 10^(MIN + k), so that a float32 |g| is in
 * bin k exactly when |g| ≥ 10^(MIN + k) (10⁻⁵ itself is not a float32).
 */
export const HISTOGRAM_EDGES = Float32Array.from({ length: HISTOGRAM_BINS }, (_, k) =>
  k === 0 ? 0 : float32AtLeast(Number(`1e${HISTOGRAM_LOG10_MIN + k}`)),
);

function float32AtLeast(x: number): number {
  const rounded = Math.fround(x);
  return rounded >= x ? rounded : floatFromBits(bitsOfFloat(rounded) + 1);
}
