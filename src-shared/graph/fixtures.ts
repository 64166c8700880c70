/** Small builders for graphs in tests: nodes and edges as the design file writes them. */
import type { DesignEdge, DesignGraph, DesignNode } from '../design/types';
import type { LayerType } from '../layers/types';

/** A node with the given params (defaults fill the rest). */
export function node(id: string, type: LayerType, params: Record<string, unknown> = {}): DesignNode {
  return { id, type, params: params as DesignNode['params'] };
}

/** An edge; `targetHandle` only for multi-input targets. */
export function edge(id: string, source: string, target: string, targetHandle?: string): DesignEdge {
  return targetHandle === undefined ? { id, source, target } : { id, source, target, targetHandle };
}

/** A chain `ids[0] → ids[1] → …` given as nodes, with edges named `e1`, `e2`, …. */
export function chain(...nodes: DesignNode[]): DesignGraph {
  const edges = nodes.slice(1).map((n, i) => edge(`e${i + 1}`, nodes[i].id, n.id));
  return { nodes, edges };
}

/** The input → 64 sigmoid → output MLP of the design-file example. */
export function mlp(): DesignGraph {
  return chain(
    node('in', 'input', { shape: [2] }),
    node('d1', 'dense', { activation: 'sigmoid' }),
    node('out', 'output'),
  );
}

/** A residual block: in → d1 → d2, d1 + d2 → out. */
export function residual(handles: [string | undefined, string | undefined] = ['in0', 'in1']): DesignGraph {
  return {
    nodes: [
      node('in', 'input'),
      node('d1', 'dense'),
      node('d2', 'dense', { activation: 'relu' }),
      node('a1', 'add'),
      node('out', 'output'),
    ],
    edges: [
      edge('e1', 'in', 'd1'),
      edge('e2', 'd1', 'd2'),
      edge('e3', 'd1', 'a1', handles[0]),
      edge('e4', 'd2', 'a1', handles[1]),
      edge('e5', 'a1', 'out'),
    ],
  };
}

/** The conv net of the tests: conv → pool → conv (valid) → BN → relu → flatten → output, on 28×28×1. */
export function convNet(): DesignGraph {
  return chain(
    node('in', 'input', { shape: [28, 28, 1] }),
    node('c1', 'conv2d', { activation: 'relu' }),
    node('p1', 'maxPooling2d'),
    node('c2', 'conv2d', { filters: 32, padding: 'valid' }),
    node('bn', 'batchNormalization'),
    node('act', 'activation'),
    node('flat', 'flatten'),
    node('out', 'output'),
  );
}

/** `graph` with `change` applied to a copy of its node and edge lists. */
export function edit(
  graph: DesignGraph,
  change: (nodes: DesignGraph['nodes'][number][], edges: DesignGraph['edges'][number][]) => void,
): DesignGraph {
  const nodes = [...graph.nodes];
  const edges = [...graph.edges];
  change(nodes, edges);
  return { nodes, edges };
}
