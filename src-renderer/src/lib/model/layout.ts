/**
 * Auto-layout with dagre (a layered, Sugiyama-style layout): the natural shape
 * of a feed-forward network, left to right or top to bottom.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { DesignGraph, Position } from '../../../../src-shared/design/types';

export type LayoutDirection = 'LR' | 'TB';

export interface Size {
  width: number;
  height: number;
}

/** Used for nodes the canvas has not measured yet (not rendered, or in tests). */
export const DEFAULT_NODE_SIZE: Size = { width: 180, height: 72 };

/**
 * Top-left positions for every node. Edges into a merge are added in handle
 * order so `in0` tends to sit above (or left of) `in1`.
 */
export function layoutGraph(
  graph: DesignGraph,
  direction: LayoutDirection,
  sizeOf: (id: string) => Size | undefined = () => undefined,
): Map<string, Position> {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: direction, nodesep: 36, ranksep: 64, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const sizes = new Map<string, Size>();
  for (const node of graph.nodes) {
    const size = sizeOf(node.id) ?? DEFAULT_NODE_SIZE;
    sizes.set(node.id, size);
    g.setNode(node.id, { width: size.width, height: size.height });
  }
  const edges = [...graph.edges].sort((a, b) => (a.targetHandle ?? '').localeCompare(b.targetHandle ?? ''));
  for (const edge of edges) {
    if (sizes.has(edge.source) && sizes.has(edge.target)) g.setEdge(edge.source, edge.target, {}, edge.id);
  }
  layout(g);
  const positions = new Map<string, Position>();
  for (const node of graph.nodes) {
    const placed = g.node(node.id) as { x: number; y: number } | undefined;
    const size = sizes.get(node.id) ?? DEFAULT_NODE_SIZE;
    if (placed) {
      positions.set(node.id, {
        x: Math.round(placed.x - size.width / 2),
        y: Math.round(placed.y - size.height / 2),
      });
    }
  }
  return positions;
}
