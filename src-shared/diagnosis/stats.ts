/**
 * Robust summaries of telemetry: the at-init record, a window of recent
 * records and medians over it, so one noisy batch cannot make or break a
 * finding.
 */
import type { LayerStatField, LayerTelemetry, StepRecord } from '../telemetry';

/** Records the recent window holds by default: with `--every 10`, the last 100 steps. */
export const RECENT_WINDOW = 10;

/** The two views of a run that every rule reads. */
export interface RunWindow {
  /** The step-0 record, or the earliest one when step 0 was not recorded. */
  init: StepRecord;
  /** The last records (at most `size`), without `init` unless it is the only one. */
  recent: StepRecord[];
  /** First and last step of `recent`, for the text. */
  from: number;
  to: number;
}

/** Splits records into the at-init record and the recent window; undefined when there are none. */
export function runWindow(records: readonly StepRecord[], size = RECENT_WINDOW): RunWindow | undefined {
  const steps = records.filter((r) => r.type === 'step').sort((a, b) => a.step - b.step);
  if (!steps.length) return undefined;
  const init = steps[0];
  const later = steps.slice(1);
  const recent = later.length ? later.slice(-size) : [init];
  return { init, recent, from: recent[0].step, to: recent[recent.length - 1].step };
}

/** The median of the finite values, or NaN when there are none. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!finite.length) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** Each record's layers by id, built on first use (records are never mutated once received). */
const layerIndex = new WeakMap<StepRecord, Map<string, LayerTelemetry>>();

/** One layer's statistic in one record; undefined when absent, null or not finite. */
export function stat(record: StepRecord, id: string, field: LayerStatField): number | undefined {
  let byId = layerIndex.get(record);
  if (!byId) {
    byId = new Map(record.layers.map((l) => [l.id, l]));
    layerIndex.set(record, byId);
  }
  const layer = byId.get(id);
  const value = layer?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Median of a layer's statistic over some records; NaN when it is never reported. */
export function medianStat(records: readonly StepRecord[], id: string, field: LayerStatField): number {
  return median(records.map((r) => stat(r, id, field) ?? Number.NaN));
}

/**
 * Median over records of `field(id) / field(reference)`, taken step by step
 * so that a change of scale during training cancels out. NaN when no record
 * has both values with a positive reference.
 */
export function medianRatio(
  records: readonly StepRecord[],
  id: string,
  reference: string,
  field: LayerStatField,
): number {
  return median(
    records.map((r) => {
      const value = stat(r, id, field);
      const ref = stat(r, reference, field);
      return value !== undefined && ref !== undefined && ref > 0 ? value / ref : Number.NaN;
    }),
  );
}

/** "steps 150–195" or "step 0": the steps a window covers. */
export function stepsPhrase(from: number, to: number): string {
  return from === to ? `step ${from}` : `steps ${from}–${to}`;
}
