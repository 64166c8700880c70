/**
 * Per-layer telemetry, computed where the tensors are: one registered
 * kernel over the backend's own memory on cpu and wasm (stats-kernel.ts),
 * tfjs ops grouped by shape on the backends whose memory is elsewhere
 * (stats-ops.ts). Either way the result is one [layers × LAYER_STAT_STRIDE]
 * tensor, read back by the trainer in a single transfer with the loss.
 */
import { RELU_FAMILY } from '../../../src-shared/layers/activations';
import { tf, type Tensor } from '../backend/tf';
import { SATURATED_OUTPUT, type LayerObservation, type StatsOptions } from './observation';
import { ensureStatsKernel, runStatsKernel, type PlannedLayer } from './stats-kernel';
import { layerStatsWithOps } from './stats-ops';

export type { LayerObservation, StatsOptions } from './observation';

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
  if (method === 'ops' || !ensureStatsKernel()) {
    const rows = layerStatsWithOps(layers, options);
    return options.leading ? tf.concat([tf.reshape(options.leading, [-1]), tf.reshape(rows, [-1])]) : rows;
  }
  const tensors: Tensor[] = [];
  const index = (t: Tensor | undefined) => (t ? tensors.push(t) - 1 : -1);
  const plan = layers.map((l): PlannedLayer => {
    const saturating = l.activation === 'sigmoid' || l.activation === 'tanh' ? l.activation : undefined;
    return {
      weightGrad: index(l.weightGrad),
      weight: index(l.weight),
      weightStep: options.stepIsScaledGradient ? -1 : index(l.weightStep),
      outputGrad: index(l.outputGrad),
      output: index(l.output),
      saturation: saturating && SATURATED_OUTPUT[saturating],
      countDead: l.activation !== undefined && RELU_FAMILY.includes(l.activation),
    };
  });
  return runStatsKernel(tensors, plan, options.stepIsScaledGradient ?? NaN, options.leading);
}
