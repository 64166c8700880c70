/**
 * Where the inputs of a merge (add, concatenate) split: the block input of a
 * residual block, and for each input the path from there. The engine measures
 * how much of the gradient reaches the block input along each path (the skip
 * versus the branch); this module says which edges carry each path's share,
 * and when a path's share cannot be told apart from the rest of the graph's.
 */

/** A node as these rules see it: its inputs as indices of earlier nodes (topological order). */
export interface PathNode {
  type: string;
  inputs: readonly number[];
}

/** An edge into `consumer`, its `slot`-th input. */
export interface InputEdge {
  consumer: number;
  slot: number;
}

/** How one merge's inputs reach it from its block input. */
export interface MergePaths {
  /** The merge node's index. */
  merge: number;
  /**
   * The block input: the last node that every path from the network input to
   * the merge passes through (the merge's immediate dominator).
   */
  fork: number;
  /**
   * Per input: the edges out of `fork` that carry that input's path (its
   * first layer reading the block input; for an identity input, the merge's
   * own input edge), or null when the path's gradient mixes with another's
   * (its layers feed something outside the path, or two inputs share layers).
   */
  entries: (InputEdge[] | null)[];
}

/** The immediate dominator of every node reachable from `root`, by the nodes' topological order. */
function dominators(nodes: readonly PathNode[], root: number): number[] {
  const idom = new Array<number>(nodes.length).fill(-1);
  idom[root] = root;
  const intersect = (a: number, b: number): number => {
    // In topological order a dominator always precedes the node, so walk the later one up.
    while (a !== b) {
      while (a > b) a = idom[a];
      while (b > a) b = idom[b];
    }
    return a;
  };
  nodes.forEach((node, i) => {
    if (i === root) return;
    const reached = node.inputs.filter((p) => idom[p] !== -1);
    if (reached.length > 0) idom[i] = reached.reduce(intersect);
  });
  return idom;
}

/** Every node that lies on some path from `from` to `to` (both excluded); nodes are topologically ordered. */
function between(nodes: readonly PathNode[], from: number, to: number, descends: boolean[][]): Set<number> {
  const found = new Set<number>();
  for (let i = from + 1; i < to; i++) if (descends[from][i] && descends[i][to]) found.add(i);
  return found;
}

/**
 * For each add and concatenate node reachable from `root` (the network input),
 * its block input and the edges that carry each input's path. `nodes` must be
 * in topological order (every input index below the node's own).
 */
export function mergePaths(nodes: readonly PathNode[], root: number): MergePaths[] {
  const n = nodes.length;
  const consumers: InputEdge[][] = nodes.map(() => []);
  nodes.forEach((node, consumer) => node.inputs.forEach((p, slot) => consumers[p].push({ consumer, slot })));
  // descends[a][b]: b is reachable from a (a node reaches itself). Designs have at most a few hundred nodes.
  const descends = nodes.map(() => new Array<boolean>(n).fill(false));
  for (let a = n - 1; a >= 0; a--) {
    descends[a][a] = true;
    for (const { consumer } of consumers[a])
      for (let b = consumer; b < n; b++) descends[a][b] ||= descends[consumer][b];
  }
  const idom = dominators(nodes, root);
  const result: MergePaths[] = [];
  nodes.forEach((node, merge) => {
    if ((node.type !== 'add' && node.type !== 'concatenate') || idom[merge] === -1) return;
    const fork = idom[merge];
    const regions = node.inputs.map((source) =>
      source === fork ? new Set<number>() : new Set([...between(nodes, fork, source, descends), source]),
    );
    const entries = node.inputs.map((source, slot): InputEdge[] | null => {
      if (source === fork) return [{ consumer: merge, slot }];
      const region = regions[slot];
      const shared = regions.some((other, j) => j !== slot && [...region].some((r) => other.has(r)));
      // Every consumer of the path's layers must be on the path, but the source, which feeds only this slot.
      const leaks = [...region].some((r) =>
        consumers[r].some(({ consumer, slot: s }) =>
          r === source ? !region.has(consumer) && !(consumer === merge && s === slot) : !region.has(consumer),
        ),
      );
      if (shared || leaks) return null;
      return consumers[fork].filter(({ consumer }) => region.has(consumer));
    });
    result.push({ merge, fork, entries });
  });
  return result;
}
