/**
 * Every change the editor makes to a design, as pure functions from one
 * document to the next. An edit either returns the new document (untouched
 * nodes and edges are the same objects, so diffs stay small) or a message for
 * the user; it never throws and never half-applies.
 */
import type { Design, DesignEdge, DesignNode, Position } from '../../../../src-shared/design/types';
import { DESIGN_LIMITS } from '../../../../src-shared/design/validate';
import { canConnect, nextFreeHandle, type GraphAnalysis } from '../../../../src-shared/graph/index';
import { checkValue, getLayerSpec, validateParams } from '../../../../src-shared/layers/index';
import type { LayerType, ParamValue, Params, ShapeContext } from '../../../../src-shared/layers/types';
import { freshId, takenIds } from '../../../../src-shared/design/ids';

export type EditResult =
  | { ok: true; design: Design; /** Ids to select once the edit is applied. */ select?: string[] }
  | { ok: false; message: string };

export const fail = (message: string): EditResult => ({ ok: false, message });

/** Where a node goes relative to the one it follows: one column right, or one row down. */
export const FOLLOW_OFFSET = { LR: { x: 230, y: 0 }, TB: { x: 0, y: 120 } } as const;

/** A copy of `design` with a new graph. */
export function withGraph(
  design: Design,
  nodes: readonly DesignNode[],
  edges: readonly DesignEdge[],
): Design {
  return { ...design, graph: { nodes, edges } };
}

/** Short id stems, so ids read like `in1`, `dense2`, `bn1`. */
const ID_PREFIX: Partial<Record<LayerType, string>> = {
  input: 'in',
  output: 'out',
  batchNormalization: 'bn',
  layerNormalization: 'ln',
  maxPooling2d: 'maxpool',
  averagePooling2d: 'avgpool',
  globalAveragePooling2d: 'gap',
  activation: 'act',
  concatenate: 'concat',
};

export function idPrefix(type: LayerType): string {
  return ID_PREFIX[type] ?? type;
}

export function roundPosition(p: Position): Position {
  const limit = DESIGN_LIMITS.coordinate;
  const clamp = (v: number) => Math.max(-limit, Math.min(limit, Math.round(Number.isFinite(v) ? v : 0)));
  return { x: clamp(p.x), y: clamp(p.y) };
}

/** A node of `type` with every param at its default (or `overrides`), and a fresh id. */
export function makeNode(
  type: LayerType,
  position: Position,
  taken: Set<string>,
  overrides: Record<string, ParamValue> = {},
): DesignNode | string {
  const spec = getLayerSpec(type);
  if (!spec) return `unknown layer type "${type}"`;
  const params = validateParams(spec, overrides);
  if (!params.ok) return params.issues.map((i) => i.message).join('; ');
  return {
    id: freshId(idPrefix(type), taken),
    type,
    params: params.params,
    position: roundPosition(position),
  };
}

export function makeEdge(
  source: string,
  target: string,
  taken: Set<string>,
  targetHandle?: string,
): DesignEdge {
  const edge: DesignEdge = { id: freshId('e', taken), source, target };
  if (targetHandle !== undefined) edge.targetHandle = targetHandle;
  return edge;
}

function nodeLimit(design: Design, adding: number): string | undefined {
  const max = DESIGN_LIMITS.nodes;
  return design.graph.nodes.length + adding > max ? `a design holds at most ${max} layers` : undefined;
}

/** Adds a layer at `position`, unconnected. */
export function addLayer(design: Design, type: LayerType, position: Position): EditResult {
  const full = nodeLimit(design, 1);
  if (full) return fail(full);
  const node = makeNode(type, position, takenIds(design.graph));
  if (typeof node === 'string') return fail(node);
  return {
    ok: true,
    design: withGraph(design, [...design.graph.nodes, node], design.graph.edges),
    select: [node.id],
  };
}

/**
 * Adds a layer after `anchorId` and connects it. When the anchor already feeds
 * other layers, the new one is spliced in between (select a dense layer,
 * double-click Batch normalization: dense → BN → what followed). Refused, with
 * the graph rules' reason, when the anchor cannot feed the new layer.
 */
export function addAfter(
  design: Design,
  type: LayerType,
  anchorId: string,
  context: ShapeContext,
  offset: Position = FOLLOW_OFFSET.LR,
): EditResult {
  const anchor = design.graph.nodes.find((n) => n.id === anchorId);
  const spec = getLayerSpec(type);
  if (!anchor || !spec) return fail(`there is no layer "${anchorId}"`);
  const base = anchor.position ?? { x: 0, y: 0 };
  const at = { x: base.x + offset.x, y: base.y + offset.y };
  if (spec.inputs.max === 0) return addLayer(design, type, at);
  const full = nodeLimit(design, 1);
  if (full) return fail(full);
  const taken = takenIds(design.graph);
  const node = makeNode(type, at, taken);
  if (typeof node === 'string') return fail(node);
  const nodes = [...design.graph.nodes, node];
  const handle = spec.inputs.max > 1 ? 'in0' : undefined;
  const check = canConnect(
    { nodes, edges: design.graph.edges },
    { source: anchorId, target: node.id, targetHandle: handle },
    context,
  );
  if (!check.ok) return fail(`Cannot add ${spec.label} after ${anchorId}: ${check.message}`);
  const edges = design.graph.edges.map((e) =>
    e.source === anchorId && spec.hasOutput ? { ...e, source: node.id } : e,
  );
  edges.push(makeEdge(anchorId, node.id, taken, handle));
  return { ok: true, design: withGraph(design, nodes, edges), select: [node.id] };
}

/** Removes nodes (with every edge touching them) and edges. */
export function removeElements(
  design: Design,
  nodeIds: Iterable<string>,
  edgeIds: Iterable<string>,
): EditResult {
  const nodesGone = new Set(nodeIds);
  const edgesGone = new Set(edgeIds);
  const nodes = design.graph.nodes.filter((n) => !nodesGone.has(n.id));
  const edges = design.graph.edges.filter(
    (e) => !edgesGone.has(e.id) && !nodesGone.has(e.source) && !nodesGone.has(e.target),
  );
  if (nodes.length === design.graph.nodes.length && edges.length === design.graph.edges.length) {
    return fail('Nothing selected to delete');
  }
  return { ok: true, design: withGraph(design, nodes, edges), select: [] };
}

/** Adds an edge if the graph rules allow it; a multi-input target gets its next free slot. */
export function connect(
  design: Design,
  candidate: { source: string; target: string; targetHandle?: string | null },
  context: ShapeContext,
  analysis?: GraphAnalysis,
): EditResult {
  const targetHandle = candidate.targetHandle ?? nextFreeHandle(design.graph, candidate.target);
  const wanted = { source: candidate.source, target: candidate.target, targetHandle };
  const check = canConnect(design.graph, wanted, context, analysis);
  if (!check.ok) return fail(check.message);
  if (design.graph.edges.length >= DESIGN_LIMITS.edges)
    return fail(`a design holds at most ${DESIGN_LIMITS.edges} connections`);
  const edge = makeEdge(wanted.source, wanted.target, takenIds(design.graph), targetHandle);
  return {
    ok: true,
    design: withGraph(design, design.graph.nodes, [...design.graph.edges, edge]),
    select: [],
  };
}

/**
 * Feeds one input slot of `target` from `source` (null: disconnects it), in
 * one step: the inspector's way to wire layers without dragging.
 */
export function setInput(
  design: Design,
  target: string,
  handle: string | undefined,
  source: string | null,
  context: ShapeContext,
): EditResult {
  const edges = design.graph.edges.filter((e) => !(e.target === target && e.targetHandle === handle));
  const cut =
    edges.length === design.graph.edges.length ? design : withGraph(design, design.graph.nodes, edges);
  if (source === null) return { ok: true, design: cut };
  return connect(cut, { source, target, targetHandle: handle }, context);
}

/** Sets one parameter after checking it against the layer's schema; an invalid value is never committed. */
export function setParam(design: Design, nodeId: string, key: string, value: ParamValue): EditResult {
  const node = design.graph.nodes.find((n) => n.id === nodeId);
  const spec = node && getLayerSpec(node.type);
  if (!node || !spec) return fail(`there is no layer "${nodeId}"`);
  const paramSpec = Object.hasOwn(spec.params, key) ? spec.params[key] : undefined;
  if (!paramSpec) return fail(`${spec.label} has no parameter "${key}"`);
  const problem = checkValue(paramSpec, value);
  if (problem) return fail(`${paramSpec.label} ${problem}`);
  if (JSON.stringify(node.params[key]) === JSON.stringify(value)) return { ok: true, design };
  const params: Params = { ...node.params, [key]: value };
  const nodes = design.graph.nodes.map((n) => (n === node ? { ...n, params } : n));
  return { ok: true, design: withGraph(design, nodes, design.graph.edges) };
}

/**
 * Freezes (`trainable: false`) or unfreezes a layer, for fine-tuning an
 * imported model. Only `false` is stored, as the file format writes it.
 */
export function setTrainable(design: Design, nodeId: string, trainable: boolean): EditResult {
  const node = design.graph.nodes.find((n) => n.id === nodeId);
  if (!node) return fail(`there is no layer "${nodeId}"`);
  if ((node.trainable !== false) === trainable) return { ok: true, design };
  const { trainable: _previous, ...rest } = node;
  const updated = trainable ? rest : { ...rest, trainable: false };
  const nodes = design.graph.nodes.map((n) => (n === node ? updated : n));
  return { ok: true, design: withGraph(design, nodes, design.graph.edges) };
}

/** Node positions keyed by id, as {@link moveNodes} takes them. */
export function positionsOf(nodes: readonly { id: string; position: Position }[]): Map<string, Position> {
  return new Map(nodes.map((n) => [n.id, n.position]));
}

/** Moves nodes; positions equal to the current ones leave their node untouched. */
export function moveNodes(design: Design, positions: ReadonlyMap<string, Position>): EditResult {
  let changed = false;
  const nodes = design.graph.nodes.map((n) => {
    const wanted = positions.get(n.id);
    if (!wanted) return n;
    const position = roundPosition(wanted);
    if (n.position && n.position.x === position.x && n.position.y === position.y) return n;
    changed = true;
    return { ...n, position };
  });
  return { ok: true, design: changed ? withGraph(design, nodes, design.graph.edges) : design };
}

export function renameDesign(design: Design, name: string): EditResult {
  const trimmed = name.trim();
  if (trimmed === '') return fail('A design needs a name');
  if (trimmed.length > DESIGN_LIMITS.nameLength)
    return fail(`A name may be at most ${DESIGN_LIMITS.nameLength} characters`);
  return { ok: true, design: trimmed === design.name ? design : { ...design, name: trimmed } };
}
