/**
 * What each heatmap row shows. A layer without weights (pooling, flatten,
 * add, activation, dropout) has no ‖∂L/∂W‖, but the gradient still flows
 * through it: on the weight-gradient map its row shows ‖∂L/∂output‖ instead
 * of a grey bar, marked as such.
 */
import type { RunSeries } from './run-digest';
import type { HeatmapField } from './run-telemetry';

/** The quantity a weightless layer's row falls back to on the weight-gradient map. */
export const FALLBACK_FIELD: HeatmapField = 'outGradNorm';

/**
 * Per layer (network order), the quantity its row paints for `field`: the
 * field itself, or {@link FALLBACK_FIELD} for a layer with no weight gradient
 * (NaN in the first record) when `field` is the weight-gradient norm. The
 * update ratio has no such stand-in (a layer without weights is not updated).
 */
export function rowFields(
  run: Pick<RunSeries, 'layerCount' | 'count' | 'value'>,
  field: HeatmapField,
): HeatmapField[] {
  const rows: HeatmapField[] = new Array<HeatmapField>(run.layerCount).fill(field);
  if (field !== 'gradNorm' || run.count === 0) return rows;
  for (let l = 0; l < run.layerCount; l++) {
    if (Number.isNaN(run.value('gradNorm', 0, l))) rows[l] = FALLBACK_FIELD;
  }
  return rows;
}
