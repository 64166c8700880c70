/**
 * Finding where a diverging step went wrong, for the message the user reads:
 * the first layer (in network order) whose output is NaN/Inf; else the layer
 * nearest the output whose weight gradient is NaN/Inf (backpropagation meets
 * it first); else — every value finite but the gradient's norm beyond
 * float32 — the layer with the largest gradient entry.
 */
import type { LossName } from '../../../src-shared/layers';
import { scoped } from '../backend/scope';
import { tf, type Tensor } from '../backend/tf';
import { forward } from '../model/forward';
import { computeLoss } from '../model/loss';
import type { Network } from '../model/network';

export interface NonFiniteLocation {
  layerId: string | null;
  stage: 'output' | 'gradient' | 'gradient norm' | 'loss';
  /** For `gradient norm`: the largest |g| found. */
  magnitude?: number;
}

/** Re-runs the failed batch with the (unchanged) weights and reports the first non-finite place. */
export function locateNonFinite(network: Network, x: Tensor, y: Tensor, loss: LossName): NonFiniteLocation {
  return scoped((): NonFiniteLocation => {
    const variables = network.weights.map((w) => w.variable);
    const outputs = forward(network, x, variables, { training: true }).outputs;
    const outputFinite = tf.stack(outputs.map((o) => tf.all(tf.isFinite(o)))).dataSync();
    const badOutput = outputFinite.findIndex((ok) => !ok);
    if (badOutput >= 0) return { layerId: network.nodes[badOutput].id, stage: 'output' };
    const grads = tf.grads((...ws: Tensor[]) =>
      computeLoss(loss, forward(network, x, ws, { training: true }).outputs[network.outputIndex], y),
    )(variables);
    const gradFinite = tf.stack(grads.map((g) => tf.all(tf.isFinite(g)))).dataSync();
    for (let i = network.weights.length - 1; i >= 0; i--) {
      if (!gradFinite[i]) return { layerId: network.weights[i].nodeId, stage: 'gradient' };
    }
    const largest = tf.stack(grads.map((g) => tf.max(tf.abs(g)))).dataSync();
    let worst = 0;
    largest.forEach((value, i) => (value > largest[worst] ? (worst = i) : undefined));
    if (largest.length)
      return { layerId: network.weights[worst].nodeId, stage: 'gradient norm', magnitude: largest[worst] };
    return { layerId: null, stage: 'loss' };
  });
}
