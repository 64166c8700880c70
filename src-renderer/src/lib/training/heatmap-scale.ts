/**
 * The heatmap's colour scale, as the user chooses it: fixed at the run's
 * first step, fixed at step K, or fitted to the records in view. A run whose
 * first step is extreme (MNIST: a huge first gradient, then decades lower)
 * stays one colour under the first choice, so the default is step K.
 */
import { scaleFromValues, unionScale, type ColourScale } from './colour-scale';
import { rowFields } from './heatmap-rows';
import type { RunSeries } from './run-digest';
import type { HeatmapField } from './run-telemetry';

/**
 * What a scale reads from a run: the live run (RunTelemetry) and a kept one
 * (RunDigest) alike, so compared runs get their scale the way the live map does.
 */
export type ScaledRun = Pick<RunSeries, 'layerCount' | 'count' | 'value' | 'recordSteps'>;

export const SCALE_MODES = ['first', 'stepK', 'window'] as const;
export type ScaleMode = (typeof SCALE_MODES)[number];

/** The default: past the first steps' transient, early enough that little has moved. */
export const DEFAULT_SCALE_MODE: ScaleMode = 'stepK';
/** Which record "step K" is (0-based): the eleventh telemetry record. */
export const SCALE_K_RECORD = 10;

export const SCALE_MODE_LABELS: Record<ScaleMode, string> = {
  first: 'fixed at step 0',
  stepK: 'fixed at step K',
  window: 'this window',
};

/** The records a heatmap shows: [from, to); null for the whole run. */
export interface RecordRange {
  from: number;
  to: number;
}

/**
 * The scale over records [from, to), each row read from its own quantity.
 * Only the extremes matter to {@link scaleFromValues}, so they are found in
 * one pass without copying (a window can hold a whole run: 10,000 × 100).
 */
function scaleOverRecords(run: ScaledRun, field: HeatmapField, from: number, to: number): ColourScale {
  const rows = rowFields(run, field);
  const end = Math.min(to, run.count);
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = Math.max(0, from); r < end; r++) {
    for (let l = 0; l < run.layerCount; l++) {
      const v = run.value(rows[l], r, l);
      if (!(v > 0) || v === Infinity) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return scaleFromValues(lo === Infinity ? [] : [lo, hi]);
}

/** The record "step K" of `run` names: {@link SCALE_K_RECORD}, or the latest one before it arrives. */
export function recordK(run: Pick<RunSeries, 'count'>): number {
  return Math.max(0, Math.min(SCALE_K_RECORD, run.count - 1));
}

/**
 * The scale `mode` gives for `run` showing `field` over `range`, or null
 * before the first record. Fixed scales read one record (with a decade of
 * room each side); the window scale reads every record in view.
 */
export function modeScale(
  run: ScaledRun,
  field: HeatmapField,
  mode: ScaleMode,
  range: RecordRange | null,
): ColourScale | null {
  if (run.count === 0) return null;
  switch (mode) {
    case 'first':
      return scaleOverRecords(run, field, 0, 1);
    case 'stepK': {
      const k = recordK(run);
      return scaleOverRecords(run, field, k, k + 1);
    }
    case 'window':
      return scaleOverRecords(run, field, range?.from ?? 0, range?.to ?? run.count);
  }
}

/** The scale for runs side by side (A and B, or up to four compared): the smallest that holds each one's. */
export function sharedScale(
  runs: readonly (ScaledRun | null | undefined)[],
  field: HeatmapField,
  mode: ScaleMode,
  range: RecordRange | null,
): ColourScale | null {
  let shared: ColourScale | null = null;
  for (const run of runs) {
    const scale = run ? modeScale(run, field, mode, range) : null;
    if (scale) shared = shared ? unionScale(shared, scale) : scale;
  }
  return shared;
}

/** What the legend says about the scale, so the user always knows which one is on screen. */
export function scaleCaption(run: ScaledRun | null, mode: ScaleMode, range: RecordRange | null): string {
  const stepOf = (record: number) => (run && record < run.count ? run.recordSteps[record] : record);
  switch (mode) {
    case 'first':
      return `fixed at step ${stepOf(0)}`;
    case 'stepK': {
      const k = run ? recordK(run) : SCALE_K_RECORD;
      const settled = !run || run.count > SCALE_K_RECORD;
      return `fixed at step ${stepOf(k)}${settled ? '' : ' (provisional: K is not reached yet)'}`;
    }
    case 'window': {
      if (!run || run.count === 0) return 'fitted to the steps in view';
      const from = range?.from ?? 0;
      const to = Math.min(range?.to ?? run.count, run.count) - 1;
      return `fitted to steps ${stepOf(from)}–${stepOf(Math.max(from, to))} in view`;
    }
  }
}
