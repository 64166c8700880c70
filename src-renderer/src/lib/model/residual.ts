/**
 * Residual (skip) connections, the remedy of He et al. (2016): the composite
 * "residual block" (dense → activation → dense → add, skip edge wired) and
 * "wrap in residual", which adds a skip connection around a selected chain.
 */
import type { Design, DesignEdge, DesignNode, Position } from '../../../../src-shared/design/types';
import { canConnect, type GraphAnalysis } from '../../../../src-shared/graph/index';
import type { ShapeContext } from '../../../../src-shared/layers/types';
import { fail, makeEdge, makeNode, withGraph, type EditResult } from './edits';
import { takenIds } from '../../../../src-shared/design/ids';

/** Units of the block's dense layers when nothing tells us the width of the skip path. */
export const DEFAULT_BLOCK_UNITS = 64;

/**
 * Inserts dense → activation(relu) → dense → add. After `anchorId` the skip
 * starts at the anchor (x + F(x)), the dense layers take the anchor's width so
 * the sum is valid, and whatever the anchor fed now follows the add. On its
 * own the skip starts at the first dense layer, so the block is complete the
 * moment its input and output are connected.
 */
export function insertResidualBlock(
  design: Design,
  at: Position,
  step: Position,
  context: ShapeContext,
  analysis?: GraphAnalysis,
  anchorId?: string,
): EditResult {
  const anchor = anchorId ? design.graph.nodes.find((n) => n.id === anchorId) : undefined;
  if (anchorId && !anchor) return fail(`there is no layer "${anchorId}"`);
  if (anchor?.type === 'output')
    return fail('Cannot add a residual block after an output: the output ends the network');
  const width = anchor ? analysis?.shapes.get(anchor.id) : undefined;
  const units = width && width.length === 1 && width[0] > 0 ? width[0] : DEFAULT_BLOCK_UNITS;
  const taken = takenIds(design.graph);
  const place = (i: number): Position => ({ x: at.x + step.x * i, y: at.y + step.y * i });
  const made = [
    makeNode('dense', place(0), taken, { units, activation: 'linear' }),
    makeNode('activation', place(1), taken, { activation: 'relu' }),
    makeNode('dense', place(2), taken, { units, activation: 'linear' }),
    makeNode('add', place(3), taken),
  ];
  const bad = made.find((n): n is string => typeof n === 'string');
  if (bad) return fail(bad);
  const [d1, act, d2, add] = made as DesignNode[];
  const nodes = [...design.graph.nodes, d1, act, d2, add];
  let edges: DesignEdge[] = [...design.graph.edges];
  if (anchor) {
    const check = canConnect({ nodes, edges }, { source: anchor.id, target: d1.id }, context, undefined);
    if (!check.ok) return fail(`Cannot add a residual block after ${anchor.id}: ${check.message}`);
    edges = edges.map((e) => (e.source === anchor.id ? { ...e, source: add.id } : e));
    edges.push(makeEdge(anchor.id, d1.id, taken));
  }
  edges.push(
    makeEdge(d1.id, act.id, taken),
    makeEdge(act.id, d2.id, taken),
    makeEdge(d2.id, add.id, taken, 'in0'),
    makeEdge(anchor ? anchor.id : d1.id, add.id, taken, 'in1'),
  );
  return { ok: true, design: withGraph(design, nodes, edges), select: [d1.id, act.id, d2.id, add.id] };
}

/** The selected nodes as a chain from head to tail, or why they are not one. */
export function orderChain(design: Design, nodeIds: Iterable<string>): string[] | string {
  const ids = new Set(nodeIds);
  if (ids.size === 0) return 'Select the layers to wrap first';
  const inside = design.graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const next = new Map<string, string>();
  const hasPrev = new Set<string>();
  for (const e of inside) {
    if (next.has(e.source) || hasPrev.has(e.target))
      return 'The selected layers must form a single chain (no branches)';
    next.set(e.source, e.target);
    hasPrev.add(e.target);
  }
  const heads = [...ids].filter((id) => !hasPrev.has(id));
  if (heads.length !== 1) return 'The selected layers must form a single connected chain';
  const chain = [heads[0]];
  while (next.has(chain[chain.length - 1]) && chain.length <= ids.size)
    chain.push(next.get(chain[chain.length - 1])!);
  return chain.length === ids.size ? chain : 'The selected layers must form a single connected chain';
}

/**
 * Adds a skip connection around the selected chain: the layer before the
 * chain feeds an add (slot in1), the chain's last layer feeds it too (in0),
 * and what the chain fed now takes the sum.
 */
export function wrapInResidual(design: Design, nodeIds: Iterable<string>, step: Position): EditResult {
  const chain = orderChain(design, nodeIds);
  if (typeof chain === 'string') return fail(chain);
  const [head, tail] = [chain[0], chain[chain.length - 1]];
  const into = design.graph.edges.filter((e) => e.target === head);
  if (into.length !== 1) {
    return fail(`Wrap in residual needs exactly one layer feeding ${head}, where the skip connection starts`);
  }
  const tailNode = design.graph.nodes.find((n) => n.id === tail);
  if (!tailNode || tailNode.type === 'output') return fail('The chain cannot end with an output layer');
  const taken = takenIds(design.graph);
  const base = tailNode.position ?? { x: 0, y: 0 };
  const add = makeNode('add', { x: base.x + step.x, y: base.y + step.y }, taken);
  if (typeof add === 'string') return fail(add);
  const chainSet = new Set(chain);
  const edges = design.graph.edges.map((e) =>
    e.source === tail && !chainSet.has(e.target) ? { ...e, source: add.id } : e,
  );
  edges.push(makeEdge(tail, add.id, taken, 'in0'), makeEdge(into[0].source, add.id, taken, 'in1'));
  return { ok: true, design: withGraph(design, [...design.graph.nodes, add], edges), select: [add.id] };
}
