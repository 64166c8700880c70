/**
 * What Svelte Flow draws: its node and edge objects, derived from the design
 * and its analysis, with the UI-only state Svelte Flow keeps on them
 * (selection, measured size, dragging). Nothing here is saved.
 */
import type { Design } from '../../../../src-shared/design/types';
import type { GraphAnalysis } from '../../../../src-shared/graph/index';
import {
  buildFlowEdges,
  buildFlowNodes,
  sameItems,
  withSelection,
  type LayerFlowNode,
  type ShapeFlowEdge,
} from './flow-view';

export class CanvasModel {
  nodes = $state.raw<LayerFlowNode[]>([]);
  edges = $state.raw<ShapeFlowEdge[]>([]);
  showEdgeShapes = $state(true);
  /**
   * Bumped when the whole network should be brought into view (a design was
   * opened, imported or picked from the gallery); the canvas fits once its
   * nodes are measured.
   */
  fitRequests = $state(0);

  // Svelte Flow replaces the node array on every drag frame; the selection
  // keeps its identity unless it really changed, so the panels do not redraw.
  #lastNodeIds: string[] = [];
  #lastEdgeIds: string[] = [];
  readonly selectedNodeIds = $derived.by(() => {
    const ids = this.nodes.filter((n) => n.selected).map((n) => n.id);
    return sameItems(ids, this.#lastNodeIds) ? this.#lastNodeIds : (this.#lastNodeIds = ids);
  });
  readonly selectedEdgeIds = $derived.by(() => {
    const ids = this.edges.filter((e) => e.selected).map((e) => e.id);
    return sameItems(ids, this.#lastEdgeIds) ? this.#lastEdgeIds : (this.#lastEdgeIds = ids);
  });

  /**
   * Rebuilds the flow objects from the design. `select`, when given, replaces
   * the selection; otherwise the current selection is kept. Arrays are only
   * replaced when an element changed, so Svelte Flow does not re-scan for nothing.
   */
  sync(design: Design, analysis: GraphAnalysis, select?: readonly string[]): void {
    const nodes = buildFlowNodes(design, analysis, this.nodes, select);
    if (!sameItems(this.nodes, nodes)) this.nodes = nodes;
    const edges = buildFlowEdges(design, analysis, this.edges, this.showEdgeShapes, select !== undefined);
    if (!sameItems(this.edges, edges)) this.edges = edges;
  }

  /** Asks the canvas to fit the network in view as soon as it can. */
  requestFit(): void {
    this.fitRequests++;
  }

  /** Selects exactly these nodes (and no edges). */
  select(ids: Iterable<string>): void {
    this.nodes = withSelection(this.nodes, ids);
    this.edges = this.edges.map((e) => (e.selected ? { ...e, selected: false } : e));
  }

  /** Measured size of a node, for the layout. */
  sizeOf(id: string): { width: number; height: number } | undefined {
    const node = this.nodes.find((n) => n.id === id);
    const w = node?.measured?.width;
    const h = node?.measured?.height;
    return w && h ? { width: w, height: h } : undefined;
  }
}
