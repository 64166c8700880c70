/**
 * A kept run: what the Runs list, the comparison and a run file need, in a
 * bounded size whatever the run's length. The live run holds every statistic
 * of every step (RunTelemetry, ~100 bytes per layer and record); once it
 * ends, it is kept as a digest: the three heatmap quantities at no more than
 * MAX_RECORDS records spread evenly over the run (the first and last always
 * among them), and loss/accuracy at no more than MAX_STEPS points (bucket
 * means, so the curve keeps its level). 20 runs of 10,000 steps × 100 layers
 * then take about 20 × (3 × 1,000 × 100 × 4 B + 3 × 4,000 × 8 B) ≈ 26 MB.
 */
import type { EpochSummary, LayerInfo } from '../../../../src-shared/telemetry';
import { scaleFromValues, type ColourScale } from './colour-scale';
import { HEATMAP_FIELDS, type HeatmapField } from './run-telemetry';

/** Records a digest keeps at most. */
export const MAX_RECORDS = 1000;
/** Loss/accuracy points a digest keeps at most. */
export const MAX_STEPS = 4000;

/**
 * What the comparison reads from a run, live or kept: RunTelemetry and
 * RunDigest both have it, so the run being trained is compared without a copy.
 */
export interface RunSeries {
  readonly layers: readonly LayerInfo[];
  readonly layerCount: number;
  readonly count: number;
  readonly recordSteps: Int32Array;
  readonly stepCount: number;
  readonly stepNumbers: Int32Array;
  readonly stepLoss: Float64Array;
  readonly stepAccuracy: Float64Array;
  readonly epochs: readonly EpochSummary[];
  readonly scales: Partial<Record<HeatmapField, ColourScale>>;
  column(field: HeatmapField, record: number): Float32Array;
  value(field: HeatmapField, record: number, layer: number): number;
  layerIndex(id: string): number;
}

/** The heatmap quantities of a digest, one (records × layers) array each. */
export type DigestFields = Record<HeatmapField, Float32Array>;

export class RunDigest implements RunSeries {
  readonly layerCount: number;
  readonly scales: Partial<Record<HeatmapField, ColourScale>> = {};
  readonly #rowOf: ReadonlyMap<string, number>;

  constructor(
    readonly layers: readonly LayerInfo[],
    readonly recordSteps: Int32Array,
    readonly fields: DigestFields,
    readonly stepNumbers: Int32Array,
    readonly stepLoss: Float64Array,
    readonly stepAccuracy: Float64Array,
    readonly epochs: readonly EpochSummary[],
  ) {
    this.layerCount = layers.length;
    this.#rowOf = new Map(layers.map((layer, row) => [layer.id, row]));
    if (recordSteps.length > 0)
      for (const field of HEATMAP_FIELDS) this.scales[field] = scaleFromValues(this.column(field, 0));
  }

  get count(): number {
    return this.recordSteps.length;
  }

  get stepCount(): number {
    return this.stepNumbers.length;
  }

  column(field: HeatmapField, record: number): Float32Array {
    const L = this.layerCount;
    return this.fields[field].subarray(record * L, (record + 1) * L);
  }

  value(field: HeatmapField, record: number, layer: number): number {
    return this.fields[field][record * this.layerCount + layer];
  }

  layerIndex(id: string): number {
    return this.#rowOf.get(id) ?? -1;
  }

  /** Bytes held by the arrays: what the bound on memory is about. */
  get bytes(): number {
    return (
      this.recordSteps.byteLength +
      HEATMAP_FIELDS.reduce((n, f) => n + this.fields[f].byteLength, 0) +
      this.stepNumbers.byteLength +
      this.stepLoss.byteLength +
      this.stepAccuracy.byteLength
    );
  }
}

/** `n` indices spread evenly over [0, count), first and last included. */
export function evenPicks(count: number, n: number): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  if (n === 1) return [count - 1];
  return Array.from({ length: n }, (_, i) => Math.round((i * (count - 1)) / (n - 1)));
}

/** Keeps `run` (live, or another digest) in at most `maxRecords` records and `maxSteps` loss points. */
export function digestRun(run: RunSeries, maxRecords = MAX_RECORDS, maxSteps = MAX_STEPS): RunDigest {
  const L = run.layers.length;
  const picks = evenPicks(run.count, maxRecords);
  const recordSteps = Int32Array.from(picks, (r) => run.recordSteps[r]);
  const fields = {} as DigestFields;
  for (const field of HEATMAP_FIELDS) {
    const data = new Float32Array(picks.length * L);
    picks.forEach((r, i) => data.set(run.column(field, r), i * L));
    fields[field] = data;
  }
  // Loss and accuracy: bucket means (NaN-aware), each at its bucket's last step.
  const n = run.stepCount;
  const buckets = Math.min(n, maxSteps);
  const steps = new Int32Array(buckets);
  const loss = new Float64Array(buckets);
  const accuracy = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    steps[b] = run.stepNumbers[to - 1];
    loss[b] = meanOf(run.stepLoss, from, to);
    accuracy[b] = meanOf(run.stepAccuracy, from, to);
  }
  return new RunDigest(run.layers, recordSteps, fields, steps, loss, accuracy, [...run.epochs]);
}

function meanOf(values: Float64Array, from: number, to: number): number {
  let sum = 0;
  let k = 0;
  for (let i = from; i < to; i++) {
    if (!Number.isNaN(values[i])) {
      sum += values[i];
      k++;
    }
  }
  return k ? sum / k : NaN;
}

/** The last finite value of `values` among the first `count`, or null. */
export function lastFinite(values: Float64Array, count: number): number | null {
  for (let i = count - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i];
  return null;
}
