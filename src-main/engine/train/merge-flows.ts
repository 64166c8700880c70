/**
 * What the trainer measures at merge layers (add, concatenate): for each
 * input, the gradient that reaches the block input through that input's path
 * (docs/telemetry.md, "Where the gradient flows"). The gradient of an
 * identity (skip) input is the merge's own ∂loss/∂output, or its slice for a
 * concatenation; a branch's is what its first layers hand back to the block
 * input, observed by taps on those edges during the same backward pass.
 */
import type { MergeInfo } from '../../../src-shared/telemetry';
import type { Tensor } from '../backend/tf';
import type { Network } from '../model/network';
import type { FlowTerm } from '../telemetry/flow';

/** Merge info per node index, for the run's layer list. */
export function mergeInfo(network: Network): Map<number, MergeInfo> {
  return new Map(
    network.merges.map(({ merge, fork }) => [
      merge,
      { fork: network.nodes[fork].id, sources: network.nodes[merge].inputs.map((i) => network.nodes[i].id) },
    ]),
  );
}

/** Key of an observed input edge: the consumer node's index and the input slot. */
export const edgeKey = (consumer: number, slot: number): number => consumer * 1024 + slot;

/**
 * The flow terms of every merge, in the order flowLayout packs them: per
 * concatenate its inputs' slices of ∂loss/∂output, then per merge one path
 * norm per input (no gradients, hence NaN, when the path mixes with others or
 * nothing was observed).
 */
export function flowTerms(
  network: Network,
  outputGrads: readonly (Tensor | undefined)[],
  inputGrads: ReadonlyMap<number, Tensor>,
): FlowTerm[] {
  const terms: FlowTerm[] = [];
  for (const { merge, entries } of network.merges) {
    const node = network.nodes[merge];
    const dy = outputGrads[merge];
    const grads = (t: Tensor | undefined) => (t ? [t] : []);
    // The slice of ∂loss/∂output each input receives (concatenate); an add hands each all of it.
    const slices = node.inputs.map((_, slot) => {
      if (node.type !== 'concatenate') return undefined;
      const rank = node.outputShape.length + 1;
      const axis = node.params.axis === -1 ? rank - 1 : node.params.axis;
      let begin = 0;
      for (let i = 0; i < slot; i++) begin += node.inputShapes[i][axis - 1];
      return { axis, begin, size: node.inputShapes[slot][axis - 1] };
    });
    if (node.type === 'concatenate') slices.forEach((slice) => terms.push({ grads: grads(dy), slice }));
    entries.forEach((edges, slot) => {
      if (!edges) return terms.push({ grads: [] });
      if (edges.length === 1 && edges[0].consumer === merge)
        return terms.push({ grads: grads(dy), slice: slices[slot] });
      const observed = edges.map((e) => inputGrads.get(edgeKey(e.consumer, e.slot)));
      terms.push({ grads: observed.every((g) => g !== undefined) ? observed : [] });
    });
  }
  return terms;
}
