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
  flowLayout,
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
export const HEATMAP_FIELDS = ['gradNorm', 'outGradNorm', 'updateRatio', 'skipRatio'] as const;
export type HeatmapField = (typeof HEATMAP_FIELDS)[number];

export const FIELD_LABELS: Record<HeatmapField, string> = {
  gradNorm: 'Weight-gradient norm ‖∂L/∂W‖',
  outGradNorm: 'Back-propagated gradient ‖∂L/∂output‖',
  updateRatio: 'Update / weight ratio ‖ΔW‖/‖W‖',
  skipRatio: 'Skip / branch ratio at the block input (add, concatenate)',
};

/**
 * Per-layer quantities worked out here from a step's flow norms:
 * `skipRatio`, on add and concatenate layers, is the norm of the gradient
 * reaching the block input through the skip (the identity input; the first
 * input when none is) over the sum of the other inputs' (docs/telemetry.md).
 */
type DerivedField = 'skipRatio';
/** Every per-layer quantity a run holds: the engine's statistics and the derived ones. */
export type RunField = LayerStatField | DerivedField;
const STORED_FIELDS: readonly RunField[] = [...LAYER_STAT_FIELDS, 'skipRatio'];

const FIELD_INDEX = Object.fromEntries(STORED_FIELDS.map((f, i) => [f, i])) as Record<RunField, number>;

/** Where a merge layer's path norms sit among a record's: offset, count and which input is the skip. */
interface PathSlot {
  /** Offset of the layer's path norms in the packed step. */
  packed: number;
  /** Offset among this run's path norms per record. */
  stored: number;
  inputs: number;
  skip: number;
  /** False when no input is an identity: `skip` is then the first input. */
  identity: boolean;
}

/** The skip input's path norm over the sum of the others'; NaN when one is unknown. */
function skipRatio(norms: Float32Array, skip: number): number {
  let others = 0;
  for (let i = 0; i < norms.length; i++) if (i !== skip) others += norms[i];
  return norms[skip] / others;
}

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
  /** Per merge layer (by layer index) where its path norms are. */
  readonly #pathSlots = new Map<number, PathSlot>();
  readonly #pathsPerRecord: number;
  /** Packed length with the flow norms; a shorter step (an older engine) has none. */
  readonly #flowLength: number;
  #paths: Float32Array;
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
    this.#fields = STORED_FIELDS.map(() => new Float32Array(records * layers.length));
    this.#histograms = new Float32Array(records * layers.length * HISTOGRAM_BINS);
    const flow = flowLayout(layers);
    let stored = 0;
    for (const slot of flow.slots) {
      const merge = layers[slot.layer].merge!;
      const identity = merge.sources.indexOf(merge.fork);
      const skip = Math.max(0, identity);
      const packed = slot.offset + (slot.slices ? slot.inputs : 0);
      this.#pathSlots.set(slot.layer, { packed, stored, inputs: slot.inputs, skip, identity: identity >= 0 });
      stored += slot.inputs;
    }
    this.#pathsPerRecord = stored;
    this.#flowLength = flow.length;
    this.#paths = new Float32Array(records * stored);
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
    // The flow norms of merge layers follow the rows (flowLayout); a step without them still counts.
    if (stats && stats.length >= this.layerCount * LAYER_STAT_STRIDE) this.#pushStats(step, stats);
  }

  #pushStats(step: number, stats: Float32Array): void {
    const L = this.layerCount;
    if (this.count === this.recordSteps.length) {
      const n = this.recordSteps.length * 2;
      this.recordSteps = grow(this.recordSteps, n);
      for (let f = 0; f < this.#fields.length; f++) this.#fields[f] = grow(this.#fields[f], n * L);
      this.#histograms = grow(this.#histograms, n * L * HISTOGRAM_BINS);
      this.#paths = grow(this.#paths, n * this.#pathsPerRecord);
    }
    const r = this.count;
    this.recordSteps[r] = step;
    const ratios = this.#fields[FIELD_INDEX.skipRatio];
    for (let l = 0; l < L; l++) {
      for (let f = 0; f < LAYER_STAT_FIELDS.length; f++) this.#fields[f][r * L + l] = packedStat(stats, l, f);
      this.#histograms.set(packedHistogram(stats, l), (r * L + l) * HISTOGRAM_BINS);
      ratios[r * L + l] = NaN;
    }
    const hasFlows = stats.length >= this.#flowLength;
    for (const [l, slot] of this.#pathSlots) {
      const at = r * this.#pathsPerRecord + slot.stored;
      if (hasFlows) this.#paths.set(stats.subarray(slot.packed, slot.packed + slot.inputs), at);
      else this.#paths.fill(NaN, at, at + slot.inputs);
      ratios[r * L + l] = skipRatio(this.#paths.subarray(at, at + slot.inputs), slot.skip);
    }
    this.count++;
    if (r === 0) {
      for (const field of HEATMAP_FIELDS) this.scales[field] = scaleFromValues(this.column(field, 0));
    }
  }

  pushEpoch(record: EpochSummary): void {
    this.epochs.push(record);
  }

  /**
   * A merge layer's path norms at one record (a view, one per input, NaN
   * where unknown), which input is the skip and whether it is an identity
   * (else the first input stands in); null for other layers.
   */
  paths(record: number, layer: number): { norms: Float32Array; skip: number; identity: boolean } | null {
    const slot = this.#pathSlots.get(layer);
    if (!slot) return null;
    const at = record * this.#pathsPerRecord + slot.stored;
    return { norms: this.#paths.subarray(at, at + slot.inputs), skip: slot.skip, identity: slot.identity };
  }

  /** One record's values of a statistic, one per layer (a view, not a copy). */
  column(field: RunField, record: number): Float32Array {
    const L = this.layerCount;
    return this.#fields[FIELD_INDEX[field]].subarray(record * L, (record + 1) * L);
  }

  /** A statistic at one record and layer; NaN where it does not apply. */
  value(field: RunField, record: number, layer: number): number {
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

/**
 * Merge layer `layer`'s shares of the gradient reaching its block input at
 * `record`, one per input (path norm over the sum of them), and which input
 * is the skip; undefined for other layers, or when a norm is unknown or all
 * are zero.
 */
export function pathShares(
  run: Pick<RunTelemetry, 'paths'>,
  record: number,
  layer: number,
): { shares: number[]; skip: number; identity: boolean } | undefined {
  const paths = layer < 0 ? null : run.paths(record, layer);
  if (!paths) return undefined;
  const norms = Array.from(paths.norms);
  const total = norms.reduce((a, b) => a + b, 0);
  const { skip, identity } = paths;
  return total > 0 ? { shares: norms.map((n) => n / total), skip, identity } : undefined;
}
