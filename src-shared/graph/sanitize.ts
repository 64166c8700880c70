/**
 * First pass of the analysis: reads the graph as untrusted data (it may come
 * straight from a file), reports malformed nodes and edges, and keeps a clean
 * structure for the later passes. Bad edges are dropped rather than kept half
 * valid, and the nodes they pointed to are marked so that no second, confusing
 * message ("has 0 inputs") follows the first.
 */
import type { DesignEdge } from '../design/types';
import { LAYER_TYPES } from '../layers/types';
import type { LayerSpec } from '../layers/types';
import { getLayerSpec, validateLayer, type TypedLayer } from '../layers/index';
import { short } from './problems';
import type { ProblemLog } from './problems';
import { suggestLayerType } from './suggest';

/** Most nodes a design may have: far above any useful network, low enough to keep analysis instant. */
export const MAX_NODES = 2000;
/** Most edges a design may have. */
export const MAX_EDGES = 8000;

/**
 * Node ids name the TensorFlow.js layers and their weights, whose names must
 * match tfjs's `/^[A-Za-z0-9][-A-Za-z0-9._/]*$/`; `/` is also refused because
 * tfjs reads it as a name scope.
 */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A node that passed the first pass; `spec` and `layer` are absent when its type or params are wrong. */
export interface CheckedNode {
  id: string;
  type: string;
  spec?: LayerSpec;
  /** The type with its validated params (defaults filled). */
  layer?: TypedLayer;
}

/** The clean structure later passes work on. */
export interface Structure {
  /** Unique node ids, in file order. */
  ids: string[];
  nodes: Map<string, CheckedNode>;
  /** Edges between known, distinct nodes; no duplicates, none into an input or out of an output. */
  edges: DesignEdge[];
  /** Nodes that lost an incoming edge in this pass: their arity and shape are not checked. */
  tainted: Set<string>;
  /** Nodes that lost an outgoing edge to a missing node: they count as leading somewhere. */
  cut: Set<string>;
}

type Raw = Record<string, unknown>;

const isRecord = (x: unknown): x is Raw => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Reads `graph` (any value) into a {@link Structure}, reporting into `log`. */
export function sanitize(graph: unknown, log: ProblemLog): Structure {
  const structure: Structure = { ids: [], nodes: new Map(), edges: [], tainted: new Set(), cut: new Set() };
  if (!isRecord(graph) || !Array.isArray(graph.nodes)) {
    log.graph('the design has no "nodes" list — add an input, your layers and an output');
    return structure;
  }
  const rawEdges = Array.isArray(graph.edges) ? graph.edges : [];
  if (graph.edges !== undefined && !Array.isArray(graph.edges))
    log.graph('the design\'s "edges" must be a list');
  if (graph.nodes.length > MAX_NODES || rawEdges.length > MAX_EDGES) {
    log.graph(
      `the design has ${graph.nodes.length} nodes and ${rawEdges.length} edges, more than the limit of ${MAX_NODES} nodes and ${MAX_EDGES} edges — split it or remove layers`,
    );
    return structure;
  }
  const duplicates = new Set<string>();
  graph.nodes.forEach((raw, i) => readNode(raw, i, structure, log, duplicates));
  readEdges(rawEdges, structure, log);
  return structure;
}

function readNode(
  raw: unknown,
  i: number,
  structure: Structure,
  log: ProblemLog,
  duplicates: Set<string>,
): void {
  if (!isRecord(raw)) return log.graph(`node #${i + 1} is not an object — delete it`);
  const { id, type } = raw;
  if (typeof id !== 'string' || id === '') {
    return log.graph(`node #${i + 1} (${short(type)}) has no id — give it a unique id such as "d${i + 1}"`);
  }
  if (structure.nodes.has(id)) {
    // Reported once however many copies; edges then refer to the first node with the id.
    if (!duplicates.has(id)) log.node(id, 'two nodes share this id — rename one of them');
    duplicates.add(id);
    return;
  }
  if (!NODE_ID_PATTERN.test(id)) {
    log.node(
      id,
      'not a valid node id — use up to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  const node: CheckedNode = { id, type: String(type) };
  structure.ids.push(id);
  structure.nodes.set(id, node);
  const spec = typeof type === 'string' ? getLayerSpec(type) : undefined;
  if (!spec) {
    const guess = typeof type === 'string' ? suggestLayerType(type) : undefined;
    const hint = guess ? `did you mean "${guess}"?` : `use one of ${LAYER_TYPES.join(', ')}`;
    return log.node(id, `unknown layer type "${short(type)}" — ${hint}`);
  }
  node.spec = spec;
  const result = validateLayer(spec.type, raw.params);
  if (result.ok) node.layer = result.layer;
  else for (const issue of result.issues) log.node(id, `${issue.message} — fix it in the inspector`);
}

function readEdges(rawEdges: readonly unknown[], structure: Structure, log: ProblemLog): void {
  const { nodes } = structure;
  const edgeIds = new Set<string>();
  const pairs = new Map<string, string>();
  rawEdges.forEach((raw, j) => {
    if (!isRecord(raw)) return log.graph(`edge #${j + 1} is not an object — delete it`);
    const source = typeof raw.source === 'string' ? raw.source : undefined;
    const target = typeof raw.target === 'string' ? raw.target : undefined;
    const hasId = typeof raw.id === 'string' && raw.id !== '';
    const id = hasId ? (raw.id as string) : `#${j + 1}`;
    const edgeId = hasId ? id : undefined;
    const from = source !== undefined && nodes.has(source) ? nodes.get(source) : undefined;
    const to = target !== undefined && nodes.has(target) ? nodes.get(target) : undefined;
    if (!from || !to) {
      if (to) {
        structure.tainted.add(to.id);
        return log.node(
          to.id,
          `its input edge ${short(id)} comes from "${short(source)}", which is not a node — delete that edge`,
          edgeId,
        );
      }
      if (from) {
        structure.cut.add(from.id);
        return log.node(
          from.id,
          `edge ${short(id)} goes to "${short(target)}", which is not a node — delete that edge`,
          edgeId,
        );
      }
      return log.graph(
        `edge ${short(id)} connects "${short(source)}" to "${short(target)}", neither of which is a node — delete it`,
        edgeId,
      );
    }
    if (!hasId)
      log.node(to.id, `its input edge ${id} (from ${short(from.id)}) has no id — give it a unique id`);
    else if (edgeIds.has(id))
      log.node(to.id, `edge id "${short(id)}" is used twice — give each edge its own id`, edgeId);
    edgeIds.add(id);
    if (from === to) {
      structure.tainted.add(to.id);
      return log.node(to.id, `connected to itself by edge ${short(id)} — delete that edge`, edgeId);
    }
    if (to.type === 'input') {
      return log.node(
        to.id,
        `an input takes no incoming connections — delete edge ${short(id)} (from ${short(from.id)})`,
        edgeId,
      );
    }
    if (from.type === 'output') {
      structure.tainted.add(to.id);
      return log.node(
        from.id,
        `an output ends the network, so nothing can follow it — delete edge ${short(id)} (to ${short(to.id)})`,
        edgeId,
      );
    }
    const pair = `${from.id}\u0000${to.id}`;
    const earlier = pairs.get(pair);
    if (earlier !== undefined) {
      return log.node(
        to.id,
        `connected twice from ${short(from.id)} (edges ${short(earlier)} and ${short(id)}) — delete one`,
        edgeId,
      );
    }
    pairs.set(pair, id);
    const edge: DesignEdge = { id, source: from.id, target: to.id };
    if (raw.targetHandle !== undefined) edge.targetHandle = raw.targetHandle as string;
    structure.edges.push(edge);
  });
}
