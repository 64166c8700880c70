/**
 * Per-layer telemetry, computed where the tensors are: one call over the
 * backend's own memory on cpu and wasm (stats-kernel.ts),
 * tfjs ops grouped by shape on the backends whose memory is elsewhere
 * (stats-ops.ts). Either way the result is one [layers × LAYER_STAT_STRIDE]
 * tensor, read back by the trainer in a single transfer with the loss.
 */
import { tf, type Tensor } from '../backend/tf';
import { flowNormsWithOps } from './flow';
import type { LayerObservation, StatsOptions } from './observation';
import { hasStatsKernel, runStatsKernel } from './stats-kernel';
import { layerStatsWithOps } from './stats-ops';

/**
 * Statistics of every layer, [layers, LAYER_STAT_STRIDE], in the packed
 * order of LAYER_STAT_FIELDS then the histogram; NaN where a statistic does
 * not apply. With `options.leading`, 1-D: those values, then the rows; with
 * `options.flows`, 1-D with the flow norms after the rows. Call inside a scope.
 */
export function computeLayerStats(
  layers: readonly LayerObservation[],
  options: StatsOptions = {},
  method: 'auto' | 'ops' = 'auto',
): Tensor {
  if (method === 'ops' || !hasStatsKernel()) {
    const rows = layerStatsWithOps(layers, options);
    const flows = options.flows?.length ? [flowNormsWithOps(options.flows)] : [];
    if (!options.leading && flows.length === 0) return rows;
    const leading = options.leading ? [tf.reshape(options.leading, [-1])] : [];
    return tf.concat([...leading, tf.reshape(rows, [-1]), ...flows]);
  }
  return runStatsKernel(layers, options.stepIsScaledGradient ?? NaN, options.leading, options.flows);
}
