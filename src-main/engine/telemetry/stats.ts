/**
 * Per-layer telemetry, computed where the tensors are: one call over the
 * backend's own memory on cpu and wasm (stats-kernel.ts),
 * tfjs ops grouped by shape on the backends whose memory is elsewhere
 * (stats-ops.ts). Either way the result is one [layers × LAYER_STAT_STRIDE]
 * tensor, read back by the trainer in a single transfer with the loss.
 */
import { tf, type Tensor } from '../backend/tf';
import type { LayerObservation, StatsOptions } from './observation';
import { hasStatsKernel, runStatsKernel } from './stats-kernel';
import { layerStatsWithOps } from './stats-ops';

/**
 * Statistics of every layer, [layers, LAYER_STAT_STRIDE], in the packed
 * order of LAYER_STAT_FIELDS then the histogram; NaN where a statistic does
 * not apply. With `options.leading`, 1-D: those values, then the rows. Call
 * inside a scope.
 */
export function computeLayerStats(
  layers: readonly LayerObservation[],
  options: StatsOptions = {},
  method: 'auto' | 'ops' = 'auto',
): Tensor {
  if (method === 'ops' || !hasStatsKernel()) {
    const rows = layerStatsWithOps(layers, options);
    return options.leading ? tf.concat([tf.reshape(options.leading, [-1]), tf.reshape(rows, [-1])]) : rows;
  }
  return runStatsKernel(layers, options.stepIsScaledGradient ?? NaN, options.leading);
}
