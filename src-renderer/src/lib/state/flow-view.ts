/**
 * The Svelte Flow objects for a design: nodes and edges with the data the
 * node and edge components draw. Pure functions of the design, its analysis
 * and the previous objects, which are reused whenever nothing they show has
 * changed, so Svelte Flow re-renders only what an edit touched (that is what
 * keeps 300 nodes smooth).
 */
import type { Edge, Node } from '@xyflow/svelte';
import type { Design, DesignNode } from '../../../../src-shared/design/types';
import {
  formatCount,
  formatShape,
  handleName,
  parseHandle,
  type GraphAnalysis,
} from '../../../../src-shared/graph/index';
import { getLayerSpec } from '../../../../src-shared/layers/index';
import type { LayerCategory, LayerType } from '../../../../src-shared/layers/types';

export interface LayerNodeData extends Record<string, unknown> {
  type: LayerType;
  label: string;
  category: LayerCategory;
  summary: string;
  /** The output shape as the user reads it (`64`, `28×28×16`, `?`). */
  shape: string;
  /** The shared validation's messages for this node, one per line. */
  problem: string;
  paramCount: string;
  /** Target handle ids: `[undefined]` for a one-input layer, `in0…` for merges, `[]` for inputs. */
  handles: (string | undefined)[];
  hasOutput: boolean;
}

export interface ShapeEdgeData extends Record<string, unknown> {
  shape: string;
  showLabel: boolean;
  problem: boolean;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

function sameData(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  for (const key of Object.keys(b)) {
    const x = a[key];
    const y = b[key];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (x !== y) return false;
  }
  return true;
}

/** Same length and the same objects in the same order. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Handles a merge shows: every slot in use plus one free slot, at least `min`, at most `max`. */
function targetHandles(node: DesignNode, highestSlot: number): (string | undefined)[] {
  const spec = getLayerSpec(node.type);
  if (!spec || spec.inputs.max === 0) return [];
  if (spec.inputs.max === 1) return [undefined];
  const count = Math.min(spec.inputs.max, Math.max(spec.inputs.min, highestSlot + 2));
  return Array.from({ length: count }, (_, i) => handleName(i));
}

function safeSummary(node: DesignNode): string {
  try {
    return getLayerSpec(node.type)?.summary(node.params) ?? '';
  } catch {
    return '';
  }
}

/**
 * Flow nodes for `design`. `select`, when given, replaces the selection (the
 * nodes an edit just created); otherwise each node keeps its own.
 */
export function buildFlowNodes(
  design: Design,
  analysis: GraphAnalysis,
  previous: readonly LayerFlowNode[],
  select?: readonly string[],
): LayerFlowNode[] {
  const problems = new Map<string, string[]>();
  for (const p of analysis.problems) {
    if (p.nodeId) problems.set(p.nodeId, [...(problems.get(p.nodeId) ?? []), p.message]);
  }
  const highest = new Map<string, number>();
  for (const e of design.graph.edges) {
    highest.set(e.target, Math.max(highest.get(e.target) ?? -1, parseHandle(e.targetHandle) ?? -1));
  }
  const chosen = select ? new Set(select) : undefined;
  const before = new Map(previous.map((n) => [n.id, n]));
  return design.graph.nodes.map((node, i): LayerFlowNode => {
    const spec = getLayerSpec(node.type);
    const shape = analysis.shapes.get(node.id);
    const count = analysis.paramCounts.get(node.id);
    const data: LayerNodeData = {
      type: node.type,
      label: spec?.label ?? node.type,
      category: spec?.category ?? 'layers',
      summary: safeSummary(node),
      shape: shape ? formatShape(shape) : '?',
      problem: (problems.get(node.id) ?? []).join('\n'),
      paramCount: count ? formatCount(count) : '',
      handles: targetHandles(node, highest.get(node.id) ?? -1),
      hasOutput: spec?.hasOutput ?? false,
    };
    const position = node.position ?? { x: (i % 8) * 230, y: Math.floor(i / 8) * 120 };
    const prev = before.get(node.id);
    const selected = chosen ? chosen.has(node.id) : (prev?.selected ?? false);
    const keptData = prev && sameData(prev.data, data) ? prev.data : data;
    const unchanged =
      prev &&
      prev.data === keptData &&
      prev.position.x === position.x &&
      prev.position.y === position.y &&
      !!prev.selected === selected;
    if (unchanged) return prev;
    return { ...prev, id: node.id, type: 'layer', position, data: keptData, selected };
  });
}

/** Flow edges for `design`, each labelled with the shape it carries. */
export function buildFlowEdges(
  design: Design,
  analysis: GraphAnalysis,
  previous: readonly ShapeFlowEdge[],
  showShapes: boolean,
  clearSelection: boolean,
): ShapeFlowEdge[] {
  const bad = new Set(analysis.problems.flatMap((p) => (p.edgeId ? [p.edgeId] : [])));
  const before = new Map(previous.map((e) => [e.id, e]));
  return design.graph.edges.map((edge): ShapeFlowEdge => {
    const shape = analysis.shapes.get(edge.source);
    const data: ShapeEdgeData = {
      shape: shape ? formatShape(shape) : '',
      showLabel: showShapes,
      problem: bad.has(edge.id),
    };
    const prev = before.get(edge.id);
    const selected = clearSelection ? false : (prev?.selected ?? false);
    const unchanged =
      prev &&
      prev.source === edge.source &&
      prev.target === edge.target &&
      (prev.targetHandle ?? undefined) === edge.targetHandle &&
      !!prev.selected === selected &&
      prev.data !== undefined &&
      sameData(prev.data, data);
    if (unchanged) return prev;
    const slot = edge.targetHandle ? ` (${edge.targetHandle})` : '';
    return {
      id: edge.id,
      type: 'shape',
      source: edge.source,
      target: edge.target,
      targetHandle: edge.targetHandle,
      selected,
      data,
      ariaLabel: `Connection from ${edge.source} to ${edge.target}${slot}`,
    };
  });
}

/** The same nodes with exactly `ids` selected; untouched nodes stay the same objects. */
export function withSelection(nodes: readonly LayerFlowNode[], ids: Iterable<string>): LayerFlowNode[] {
  const wanted = new Set(ids);
  return nodes.map((n) => (!!n.selected === wanted.has(n.id) ? n : { ...n, selected: wanted.has(n.id) }));
}
