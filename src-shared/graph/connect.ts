/**
 * `canConnect`: the editor's answer while the user drags a new edge, so a
 * connection that the graph rules would reject is refused on the spot, with
 * the reason.
 */
import type { DesignGraph } from '../design/types';
import { getLayerSpec } from '../layers/index';
import type { Shape, ShapeContext } from '../layers/types';
import { analyzeGraph } from './analyze';
import type { GraphAnalysis } from './analyze';
import { nextFreeHandle, parseHandle } from './handles';
import { short } from './problems';

/** A connection the user is about to make. */
export interface ConnectionCandidate {
  source: string;
  target: string;
  /** The slot on a multi-input target; the next free one when omitted. */
  targetHandle?: string;
}

/** Result of {@link canConnect}. */
export type ConnectResult = { ok: true } | { ok: false; message: string };

const refuse = (message: string): ConnectResult => ({ ok: false, message });

/**
 * Whether `candidate` may be added to `graph`: refuses an edge into an input or
 * out of an output, a self-loop, a duplicate, a second input on a one-input
 * layer, a taken or full slot, a cycle, and a shape the target cannot take
 * (checked only when the shapes involved are known). Pass the editor's live
 * `analysis` of `graph` to avoid recomputing it on every hover.
 */
export function canConnect(
  graph: DesignGraph,
  candidate: ConnectionCandidate,
  context: ShapeContext,
  analysis?: GraphAnalysis,
): ConnectResult {
  const { source, target } = candidate;
  const from = graph.nodes.find((n) => n.id === source);
  const to = graph.nodes.find((n) => n.id === target);
  if (!from) return refuse(`there is no node "${short(source)}"`);
  if (!to) return refuse(`there is no node "${short(target)}"`);
  const spec = getLayerSpec(to.type);
  if (source === target) return refuse(`${short(source)}: a layer cannot feed itself`);
  if (from.type === 'output')
    return refuse(`${short(source)}: an output ends the network, so nothing can follow it`);
  if (to.type === 'input') return refuse(`${short(target)}: an input takes no incoming connections`);
  if (!spec) return refuse(`${short(target)}: unknown layer type "${short(to.type)}"`);
  const incoming = graph.edges.filter((e) => e.target === target);
  if (incoming.some((e) => e.source === source))
    return refuse(`${short(source)} is already connected to ${short(target)}`);
  const loop = pathBetween(graph, target, source);
  if (loop) {
    const path = [...loop, target].map(short).join(' → ');
    return refuse(`connecting ${short(source)} → ${short(target)} would make a cycle (${path})`);
  }
  let slot: number | undefined;
  if (spec.inputs.max === 1 && incoming.length >= 1) {
    return refuse(
      `${short(target)} already has an input (from ${short(incoming[0].source)}) — delete that connection first, or merge both with an add or concatenate layer`,
    );
  }
  if (spec.inputs.max > 1) {
    if (incoming.length >= spec.inputs.max)
      return refuse(`${short(target)} already has ${spec.inputs.max} inputs, its maximum`);
    const handle = candidate.targetHandle ?? nextFreeHandle(graph, target);
    slot = parseHandle(handle);
    if (slot === undefined || slot >= spec.inputs.max) {
      return refuse(
        `${short(target)}: slot "${short(handle)}" does not exist — use in0 to in${spec.inputs.max - 1}`,
      );
    }
    if (incoming.some((e) => parseHandle(e.targetHandle) === slot))
      return refuse(`${short(target)}: slot in${slot} is taken`);
  }
  return checkShape(graph, candidate, slot, context, analysis ?? analyzeGraph(graph, context));
}

/** The target's inputs with the candidate added must give a shape, when all of them are known. */
function checkShape(
  graph: DesignGraph,
  candidate: ConnectionCandidate,
  slot: number | undefined,
  context: ShapeContext,
  analysis: GraphAnalysis,
): ConnectResult {
  const spec = getLayerSpec(graph.nodes.find((n) => n.id === candidate.target)?.type ?? '');
  const params = analysis.layers.get(candidate.target)?.params;
  const sourceShape = analysis.shapes.get(candidate.source);
  if (!spec || !params || !sourceShape) return { ok: true };
  const slotted: { slot: number; shape: Shape | undefined }[] = graph.edges
    .filter((e) => e.target === candidate.target)
    .map((e) => ({
      slot: parseHandle(e.targetHandle) ?? Number.POSITIVE_INFINITY,
      shape: analysis.shapes.get(e.source),
    }));
  slotted.push({ slot: slot ?? 0, shape: sourceShape });
  if (slotted.some((s) => !s.shape) || slotted.length < spec.inputs.min) return { ok: true };
  const inputs = slotted
    .sort((a, b) => (a.slot === b.slot ? 0 : a.slot < b.slot ? -1 : 1))
    .map((s) => s.shape as Shape);
  // The output's width comes from the data, not from this edge: keep data facts out of a wiring check.
  const result = spec.inferShape(inputs, params, { ...context, outputUnits: undefined });
  return result.ok ? { ok: true } : refuse(`${short(candidate.target)}: ${result.message}`);
}

/** The node ids of a path from `start` to `goal` along edges, or undefined when there is none. */
function pathBetween(graph: DesignGraph, start: string, goal: string): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const list = next.get(edge.source);
    if (list) list.push(edge.target);
    else next.set(edge.source, [edge.target]);
  }
  const parent = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i];
    if (at === goal) {
      const path: string[] = [];
      for (let n: string | null | undefined = at; n != null; n = parent.get(n)) path.unshift(n);
      return path;
    }
    for (const n of next.get(at) ?? []) {
      if (!parent.has(n)) {
        parent.set(n, at);
        queue.push(n);
      }
    }
  }
  return undefined;
}
