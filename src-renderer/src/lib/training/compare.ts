/**
 * The arithmetic of comparing runs: heatmap rows aligned by layer id across
 * runs whose designs differ, one colour scale shared by every compared run, loss/accuracy curves smoothed the way
 * TensorBoard smooths them, and thinned to what a chart can show.
 */
import type { Point } from './charts';
import type { ColourScale } from './colour-scale';
import { recordK, sharedScale, type ScaleMode } from './heatmap-scale';
import { evenPicks, type RunSeries } from './run-digest';
import type { HeatmapField } from './run-telemetry';

/** One colour per compared run (at most four), told apart in colour-blind palettes too. */
export const RUN_COLOURS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea'] as const;

/** Points a compared curve is drawn with at most. */
export const MAX_CURVE_POINTS = 1000;

/**
 * Every layer id of `runs`, each once: the first run's order, and a layer
 * another run adds placed after the layer it follows there. A run without a
 * layer shows an empty row for it.
 */
export function alignedRows(runs: readonly { layers: readonly { id: string }[] }[]): string[] {
  const rows: string[] = [];
  for (const run of runs) {
    let after = -1;
    for (const { id } of run.layers) {
      const at = rows.indexOf(id);
      if (at >= 0) {
        after = at;
        continue;
      }
      rows.splice(after + 1, 0, id);
      after += 1;
    }
  }
  return rows;
}

/**
 * Exponential smoothing with TensorBoard's debiasing: `weight` 0 is the raw
 * curve, 0.99 nearly flat; the first points are not pulled towards zero.
 * NaN (no value at that step) stays NaN and does not disturb the average.
 */
export function smooth(values: ArrayLike<number>, count: number, weight: number): Float64Array {
  const out = new Float64Array(count);
  let last = 0;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = NaN;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = weight > 0 ? last / (1 - weight ** n) : v;
  }
  return out;
}

/** A run's loss or accuracy, smoothed, as at most `maxPoints` chart points (finite values only). */
export function curvePoints(
  run: RunSeries,
  metric: 'loss' | 'accuracy',
  weight: number,
  maxPoints = MAX_CURVE_POINTS,
): Point[] {
  const values = smooth(metric === 'loss' ? run.stepLoss : run.stepAccuracy, run.stepCount, weight);
  const points: Point[] = [];
  for (const i of evenPicks(run.stepCount, maxPoints)) {
    if (Number.isFinite(values[i])) points.push({ x: run.stepNumbers[i], y: values[i] });
  }
  return points;
}

/**
 * One colour scale for every compared run, so a colour means the same value
 * in every column: the smallest scale holding each run's own, taken as the
 * live heatmap takes it (the user's scale mode; a weightless layer's row read
 * from ∂L/∂output). Null before any run has a record.
 */
export function comparisonScale(
  runs: readonly RunSeries[],
  field: HeatmapField,
  mode: ScaleMode,
): ColourScale | null {
  return sharedScale(runs, field, mode, null);
}

/** What the comparison's legend says about its one scale. */
export function comparisonCaption(runs: readonly RunSeries[], mode: ScaleMode): string {
  const shared = runs.length === 1 ? 'the run’s scale' : `one scale for all ${runs.length} runs`;
  const each = runs.length === 1 ? 'its' : 'each one’s';
  switch (mode) {
    case 'first':
      return `${shared}, fixed at ${each} step 0`;
    case 'stepK': {
      const steps = [...new Set(runs.filter((r) => r.count > 0).map((r) => r.recordSteps[recordK(r)]))];
      return `${shared}, fixed at ${each} step K (step ${steps.join(' / ')})`;
    }
    case 'window':
      return `${shared}, fitted to every step they hold`;
  }
}
