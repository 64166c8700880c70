/**
 * Fresh ids for nodes and edges, shared by the editor and the diagnosis's
 * one-click fixes. Node ids name the TensorFlow.js layers and their
 * telemetry, so they stay short and readable: `dense1`, `dense2`, `add1`.
 */

/** The smallest `prefix<n>` (n ≥ 1) not in `taken`; adds it to `taken`. */
export function freshId(prefix: string, taken: Set<string>): string {
  let n = 1;
  while (taken.has(`${prefix}${n}`)) n += 1;
  const id = `${prefix}${n}`;
  taken.add(id);
  return id;
}

/** Every node and edge id in a graph: the two share one namespace so a selection can mix them. */
export function takenIds(graph: {
  nodes: readonly { id: string }[];
  edges: readonly { id: string }[];
}): Set<string> {
  return new Set([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);
}
