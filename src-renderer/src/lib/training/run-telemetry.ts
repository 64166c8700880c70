/**
 * One run's telemetry in typed arrays: per statistic a (records × layers)
 * Float32Array, record-major so a heatmap column is one contiguous slice;
 * the gradient histograms beside them; loss and accuracy for every step.
 * Arrays grow by doubling, so 10,000 steps × 100 layers costs no per-record
 * allocation. Plain TypeScript (no runes): the session decides when the
 * screen hears about new records.
 */
import type { DataPreview, DecisionBoundary } from '../../../../src-shared/protocol';
import {
  HISTOGRAM_BINS,
  LAYER_STAT_FIELDS,
  LAYER_STAT_STRIDE,
  packedHistogram,
  packedStat,
  type EpochSummary,
  type LayerInfo,
  type LayerStatField,
  type PackedStep,
} from '../../../../src-shared/telemetry';
import { scaleFromValues, type ColourScale } from './colour-scale';

/** The quantities the heatmap can show. */
export const HEATMAP_FIELDS = ['gradNorm', 'outGradNorm', 'updateRatio'] as const;
export type HeatmapField = (typeof HEATMAP_FIELDS)[number];

export const FIELD_LABELS: Record<HeatmapField, string> = {
  gradNorm: 'Weight-gradient norm ‖∂L/∂W‖',
  outGradNorm: 'Back-propagated gradient ‖∂L/∂output‖',
  updateRatio: 'Update / weight ratio ‖ΔW‖/‖W‖',
};

const FIELD_INDEX = Object.fromEntries(LAYER_STAT_FIELDS.map((f, i) => [f, i])) as Record<
  LayerStatField,
  number
>;

function grow<T extends Float32Array | Float64Array | Int32Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}

export class RunTelemetry {
  readonly layers: readonly LayerInfo[];
  readonly layerCount: number;
  /** Telemetry records held. */
  count = 0;
  /** Steps seen (every step reports a loss, telemetry or not). */
  stepCount = 0;
  /** The training step of each record. */
  recordSteps: Int32Array;
  readonly #fields: Float32Array[];
  readonly #rowOf: ReadonlyMap<string, number>;
  #histograms: Float32Array;
  stepNumbers: Int32Array;
  stepLoss: Float64Array;
  stepAccuracy: Float64Array;
  readonly epochs: EpochSummary[] = [];
  boundary: DecisionBoundary | null = null;
  /** Fixed on the first record, one per heatmap quantity, and never rescaled by later values. */
  readonly scales: Partial<Record<HeatmapField, ColourScale>> = {};

  constructor(
    readonly runId: number,
    layers: readonly LayerInfo[],
    readonly totalSteps: number,
    readonly stepsPerEpoch: number,
    readonly dataPreview: DataPreview | null = null,
    expectedRecords = 64,
  ) {
    this.layers = layers;
    this.layerCount = layers.length;
    this.#rowOf = new Map(layers.map((layer, row) => [layer.id, row]));
    const records = Math.max(16, Math.min(expectedRecords, 1 << 16));
    this.recordSteps = new Int32Array(records);
    this.#fields = LAYER_STAT_FIELDS.map(() => new Float32Array(records * layers.length));
    this.#histograms = new Float32Array(records * layers.length * HISTOGRAM_BINS);
    const steps = Math.max(16, Math.min(totalSteps, 1 << 20));
    this.stepNumbers = new Int32Array(steps);
    this.stepLoss = new Float64Array(steps);
    this.stepAccuracy = new Float64Array(steps);
  }

  /** Records one step's loss and, when the step carried telemetry, its statistics. */
  pushStep({ step, loss, accuracy, stats }: PackedStep): void {
    if (this.stepCount === this.stepNumbers.length) {
      const n = this.stepNumbers.length * 2;
      this.stepNumbers = grow(this.stepNumbers, n);
      this.stepLoss = grow(this.stepLoss, n);
      this.stepAccuracy = grow(this.stepAccuracy, n);
    }
    this.stepNumbers[this.stepCount] = step;
    this.stepLoss[this.stepCount] = loss;
    this.stepAccuracy[this.stepCount] = accuracy ?? NaN;
    this.stepCount++;
    if (stats && stats.length === this.layerCount * LAYER_STAT_STRIDE) this.#pushStats(step, stats);
  }

  #pushStats(step: number, stats: Float32Array): void {
    const L = this.layerCount;
    if (this.count === this.recordSteps.length) {
      const n = this.recordSteps.length * 2;
      this.recordSteps = grow(this.recordSteps, n);
      for (let f = 0; f < this.#fields.length; f++) this.#fields[f] = grow(this.#fields[f], n * L);
      this.#histograms = grow(this.#histograms, n * L * HISTOGRAM_BINS);
    }
    const r = this.count;
    this.recordSteps[r] = step;
    for (let l = 0; l < L; l++) {
      for (let f = 0; f < this.#fields.length; f++) this.#fields[f][r * L + l] = packedStat(stats, l, f);
      this.#histograms.set(packedHistogram(stats, l), (r * L + l) * HISTOGRAM_BINS);
    }
    this.count++;
    if (r === 0) {
      for (const field of HEATMAP_FIELDS) this.scales[field] = scaleFromValues(this.column(field, 0));
    }
  }

  pushEpoch(record: EpochSummary): void {
    this.epochs.push(record);
  }

  /** One record's values of a statistic, one per layer (a view, not a copy). */
  column(field: LayerStatField, record: number): Float32Array {
    const L = this.layerCount;
    return this.#fields[FIELD_INDEX[field]].subarray(record * L, (record + 1) * L);
  }

  /** A statistic at one record and layer; NaN where it does not apply. */
  value(field: LayerStatField, record: number, layer: number): number {
    return this.#fields[FIELD_INDEX[field]][record * this.layerCount + layer];
  }

  /** The gradient histogram of one layer at one record (HISTOGRAM_BINS counts, a view). */
  histogram(record: number, layer: number): Float32Array {
    const start = (record * this.layerCount + layer) * HISTOGRAM_BINS;
    return this.#histograms.subarray(start, start + HISTOGRAM_BINS);
  }

  /** A fixed scale for records [from, to): the user's chosen window. */
  windowScale(field: HeatmapField, from: number, to: number): ColourScale {
    const L = this.layerCount;
    const data = this.#fields[FIELD_INDEX[field]];
    return scaleFromValues(data.subarray(from * L, Math.min(to, this.count) * L));
  }

  /** The record index holding `step`, or the nearest before it (binary search). */
  recordAtStep(step: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.recordSteps[mid] <= step) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The row of layer `id`, or -1 (a map: each of a hundred tinted nodes asks for its own). */
  layerIndex(id: string): number {
    return this.#rowOf.get(id) ?? -1;
  }
}
