/**
 * `analyzeGraph`: the one answer to "is this design trainable, and what shape
 * is every layer?", used live by the editor and by the engine before building.
 */
import type { DesignGraph } from '../design/types';
import { paramCount, type TypedLayer } from '../layers/index';
import type { Shape, ShapeContext } from '../layers/types';
import { checkEnds, checkInputs, checkReachable, incomingEdges } from './checks';
import { formatCount, formatShape, shapeSize } from './format';
import { partialOrder } from './order';
import { ProblemLog, short } from './problems';
import type { NodeProblem } from './problems';
import { sanitize } from './sanitize';
import type { Structure } from './sanitize';

/** Most weights a network may have (about 80 MB of float32): beyond it a laptop run would stall or crash. */
export const MAX_TOTAL_PARAMS = 20_000_000;

/**
 * Most activation values per example, summed over all layers: the forward and
 * backward passes hold them for every example of a batch, so this bounds
 * training memory (4 M × 4 bytes × batch 64 ≈ 1 GB).
 */
export const MAX_ACTIVATION_ELEMENTS = 4_000_000;

/** Everything the editor and engine need to know about a design's graph. */
export interface GraphAnalysis {
  /** Node ids in topological order (stable on file order); nodes in or after a cycle are left out. */
  order: string[];
  /** Output shape of each node whose shape could be inferred; absent downstream of any problem. */
  shapes: ReadonlyMap<string, Shape>;
  /** Input shapes of each node with a shape, in input order. */
  inputShapes: ReadonlyMap<string, readonly Shape[]>;
  /** Each node's type with its validated params (defaults filled), for every node whose params are valid. */
  layers: ReadonlyMap<string, TypedLayer>;
  /** Weights of each node with a shape (bias, BN moving statistics included). */
  paramCounts: ReadonlyMap<string, number>;
  /** Sum of `paramCounts`. */
  totalParams: number;
  /** Every problem found, in a stable order; empty iff `trainable`. */
  problems: NodeProblem[];
  /** True iff `problems` is empty: the engine may build and train this graph. */
  trainable: boolean;
}

/**
 * Checks a design graph and infers every layer's shape. Never throws, whatever
 * `graph` holds (it may come straight from a file): every fault becomes a
 * {@link NodeProblem} that names the node and says what to do.
 */
export function analyzeGraph(graph: DesignGraph, context: ShapeContext): GraphAnalysis {
  const log = new ProblemLog();
  const result = {
    order: [] as string[],
    shapes: new Map<string, Shape>(),
    inputShapes: new Map<string, Shape[]>(),
  };
  const layers = new Map<string, TypedLayer>();
  const paramCounts = new Map<string, number>();
  try {
    const structure = sanitize(graph, log);
    for (const [id, node] of structure.nodes) if (node.layer) layers.set(id, node.layer);
    const incoming = incomingEdges(structure);
    const wrongInputs = checkInputs(structure, incoming, log);
    const ends = checkEnds(structure, log);
    const { order, cycle } = partialOrder(structure.ids, structure.edges);
    result.order = order;
    if (cycle.length) {
      const loop = [...cycle, cycle[0]].map(short).join(' → ');
      log.node(cycle[0], `part of a cycle ${loop} — delete one of these connections`);
    }
    checkReachable(structure, ends, wrongInputs, log);
    const blocked = new Set([...wrongInputs, ...structure.tainted]);
    inferShapes(structure, incoming, order, blocked, context, result, paramCounts, log);
    checkDataShape(ends.inputs[0], result.shapes, context, log);
    checkSize(order, result.shapes, paramCounts, log);
  } catch (error) {
    // A defect in a rule must not take the editor down; report it as data instead.
    log.graph(`internal error while checking the design (${short(String(error))}) — please report it`);
  }
  let totalParams = 0;
  for (const count of paramCounts.values()) totalParams += count;
  return {
    ...result,
    layers,
    paramCounts,
    totalParams,
    problems: log.problems,
    trainable: log.problems.length === 0,
  };
}

function inferShapes(
  structure: Structure,
  incoming: ReadonlyMap<string, readonly { source: string }[]>,
  order: readonly string[],
  blocked: ReadonlySet<string>,
  context: ShapeContext,
  out: { shapes: Map<string, Shape>; inputShapes: Map<string, Shape[]> },
  paramCounts: Map<string, number>,
  log: ProblemLog,
): void {
  for (const id of order) {
    const node = structure.nodes.get(id);
    if (!node?.spec || !node.layer || blocked.has(id)) continue;
    const inputs: Shape[] = [];
    for (const edge of incoming.get(id) ?? []) {
      const shape = out.shapes.get(edge.source);
      // An upstream problem is already reported; inferring from a guess would only add noise.
      if (!shape) break;
      inputs.push(shape);
    }
    if (inputs.length !== (incoming.get(id) ?? []).length) continue;
    const inferred = node.spec.inferShape(inputs, node.layer.params, context);
    if (!inferred.ok) {
      log.node(id, inferred.message);
      continue;
    }
    out.shapes.set(id, inferred.shape);
    out.inputShapes.set(id, inputs);
    paramCounts.set(id, paramCount(node.layer, inputs, inferred.shape));
  }
}

/** The input node's shape must be the shape of one example of the chosen data. */
function checkDataShape(
  inputId: string | undefined,
  shapes: ReadonlyMap<string, Shape>,
  context: ShapeContext,
  log: ProblemLog,
): void {
  const data = context.dataInputShape;
  const shape = inputId === undefined ? undefined : shapes.get(inputId);
  if (!data || !shape || inputId === undefined) return;
  if (data.length === shape.length && data.every((d, i) => d === shape[i])) return;
  log.node(
    inputId,
    `shape ${formatShape(shape)} but the data set gives ${formatShape(data)} examples — set shape to [${data.join(', ')}]`,
  );
}

/** Bounds weights and activations so that a hostile or mistaken design cannot exhaust memory. */
function checkSize(
  order: readonly string[],
  shapes: ReadonlyMap<string, Shape>,
  paramCounts: ReadonlyMap<string, number>,
  log: ProblemLog,
): void {
  const largest = (value: (id: string) => number) => {
    let best = { id: '', value: -1, total: 0 };
    for (const id of order) {
      const v = value(id);
      best.total += v;
      if (v > best.value) best = { ...best, id, value: v };
    }
    return best;
  };
  const weights = largest((id) => paramCounts.get(id) ?? 0);
  if (weights.total > MAX_TOTAL_PARAMS) {
    log.node(
      weights.id,
      `the network has ${formatCount(weights.total)} weights, more than the limit of ${formatCount(MAX_TOTAL_PARAMS)} (${short(weights.id)} alone has ${formatCount(weights.value)}) — use fewer units or filters, or pool before flattening`,
    );
  }
  const values = largest((id) => {
    const shape = shapes.get(id);
    return shape ? shapeSize(shape) : 0;
  });
  if (values.total > MAX_ACTIVATION_ELEMENTS) {
    log.node(
      values.id,
      `the network computes ${formatCount(values.total)} values per example, more than the limit of ${formatCount(MAX_ACTIVATION_ELEMENTS)} (${short(values.id)} alone outputs ${formatCount(values.value)}) — use fewer filters, strides of 2 or pooling, or a smaller input`,
    );
  }
}
