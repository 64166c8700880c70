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
  const probes = probe(network, x, y, loss);
  try {
    return locate(
      network,
      probes.map((p) => p.dataSync()),
    );
  } finally {
    tf.dispose(probes);
  }
}

/** {@link locateNonFinite} on a backend that reads only asynchronously (WebGPU). */
export async function locateNonFiniteAsync(
  network: Network,
  x: Tensor,
  y: Tensor,
  loss: LossName,
): Promise<NonFiniteLocation> {
  const probes = probe(network, x, y, loss);
  try {
    return locate(network, await Promise.all(probes.map((p) => p.data())));
  } finally {
    tf.dispose(probes);
  }
}

/** Per output: finite?; per weight gradient: finite?; per weight gradient: max |g| (kept tensors). */
function probe(network: Network, x: Tensor, y: Tensor, loss: LossName): Tensor[] {
  return scoped(() => {
    const variables = network.weights.map((w) => w.variable);
    const outputs = forward(network, x, variables, { training: true }).outputs;
    const outputFinite = tf.stack(outputs.map((o) => tf.all(tf.isFinite(o))));
    const grads = tf.grads((...ws: Tensor[]) =>
      computeLoss(loss, forward(network, x, ws, { training: true }).outputs[network.outputIndex], y),
    )(variables);
    // tf.stack of nothing throws: a network without weights has no gradient to look at.
    const gradFinite = grads.length ? tf.stack(grads.map((g) => tf.all(tf.isFinite(g)))) : tf.zeros([0]);
    const largest = grads.length ? tf.stack(grads.map((g) => tf.max(tf.abs(g)))) : tf.zeros([0]);
    return [outputFinite, gradFinite, largest].map((t) => tf.keep(t));
  });
}

function locate(
  network: Network,
  [outputFinite, gradFinite, largest]: ArrayLike<number>[],
): NonFiniteLocation {
  const badOutput = Array.prototype.findIndex.call(outputFinite, (ok: number) => !ok);
  if (badOutput >= 0) return { layerId: network.nodes[badOutput].id, stage: 'output' };
  for (let i = network.weights.length - 1; i >= 0; i--) {
    if (!gradFinite[i]) return { layerId: network.weights[i].nodeId, stage: 'gradient' };
  }
  let worst = 0;
  for (let i = 0; i < largest.length; i++) if (largest[i] > largest[worst]) worst = i;
  if (largest.length)
    return { layerId: network.weights[worst].nodeId, stage: 'gradient norm', magnitude: largest[worst] };
  return { layerId: null, stage: 'loss' };
}
