/**
 * Topological order and cycle detection. Deterministic: among nodes that are
 * ready at the same time, the one written first in the design file comes
 * first, so a file already in order keeps its order and the engine builds the
 * same model (same layer order, same seeded weights) every time.
 */
import type { DesignEdge, DesignGraph } from '../design/types';
import { sortByHandle } from './handles';
import { getLayerSpec } from '../layers/index';

/** Result of {@link topologicalOrder}. */
export type TopologicalResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/** A minimal edge for ordering: only the endpoints matter. */
export interface Link {
  source: string;
  target: string;
}

/**
 * Orders `ids` so every link goes from an earlier to a later id, as far as
 * possible. `order` holds every id not in or downstream of a cycle; `cycle`
 * lists the ids of one cycle in link direction (empty when there is none),
 * starting from its first id in `ids` order. Links naming unknown ids are
 * ignored. Kahn's algorithm with a min-heap on the position in `ids`.
 */
export function partialOrder(
  ids: readonly string[],
  links: readonly Link[],
): { order: string[]; cycle: string[] } {
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!index.has(id)) index.set(id, i);
  });
  const successors: number[][] = ids.map(() => []);
  const predecessors: number[][] = ids.map(() => []);
  const indegree = ids.map(() => 0);
  for (const link of links) {
    const s = index.get(link.source);
    const t = index.get(link.target);
    if (s === undefined || t === undefined) continue;
    successors[s].push(t);
    predecessors[t].push(s);
    indegree[t]++;
  }
  const heap = new MinHeap();
  for (const i of index.values()) if (indegree[i] === 0) heap.push(i);
  const order: string[] = [];
  const done = new Set<number>();
  for (let i = heap.pop(); i !== undefined; i = heap.pop()) {
    order.push(ids[i]);
    done.add(i);
    for (const t of successors[i]) if (--indegree[t] === 0) heap.push(t);
  }
  const left = [...index.values()].filter((i) => !done.has(i));
  return { order, cycle: left.length ? findCycle(left[0], predecessors, done).map((i) => ids[i]) : [] };
}

/**
 * Every node left after Kahn's algorithm has a predecessor that is also left,
 * so walking predecessors from any of them must revisit a node: that loop is a
 * cycle. Returned in link direction, rotated to start at its lowest index.
 */
function findCycle(start: number, predecessors: number[][], done: ReadonlySet<number>): number[] {
  const seenAt = new Map<number, number>();
  const walk: number[] = [];
  let at = start;
  while (!seenAt.has(at)) {
    seenAt.set(at, walk.length);
    walk.push(at);
    at = predecessors[at].find((p) => !done.has(p)) as number;
  }
  const cycle = walk.slice(seenAt.get(at)).reverse();
  const lowest = cycle.indexOf(Math.min(...cycle));
  return [...cycle.slice(lowest), ...cycle.slice(0, lowest)];
}

/**
 * The node ids in an order where every edge goes forward, or the ids of one
 * cycle (in edge direction) when there is none. Edges to unknown nodes are
 * ignored; the full checks live in `analyzeGraph`.
 */
export function topologicalOrder(graph: DesignGraph): TopologicalResult {
  const { order, cycle } = partialOrder(
    graph.nodes.map((n) => n.id),
    graph.edges,
  );
  return cycle.length ? { ok: false, cycle } : { ok: true, order };
}

/**
 * A node's incoming edges in input order: by `targetHandle` (`in0`, `in1`, …)
 * for multi-input layers, so concatenation follows it; in file order for the
 * others. Edges without a well-formed handle come last, in file order.
 */
export function orderedInputs(graph: DesignGraph, nodeId: string): DesignEdge[] {
  const incoming = graph.edges.filter((e) => e.target === nodeId);
  const node = graph.nodes.find((n) => n.id === nodeId);
  const spec = node ? getLayerSpec(node.type) : undefined;
  return spec && spec.inputs.max > 1 ? sortByHandle(incoming) : incoming;
}

/** A binary min-heap of small integers: keeps the ordering O((n + e) log n) on large hostile graphs. */
class MinHeap {
  private items: number[] = [];

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= value) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop() as number;
    if (items.length === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && items[child + 1] < items[child]) child++;
      if (items[child] >= last) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
}
