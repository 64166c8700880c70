/**
 * What the diagnosis and its remedies need to know about a design's graph:
 * each weighted layer's activation (its own or the activation node after
 * it), the "unit" a layer forms with its trailing normalization and
 * activation nodes, and fresh ids.
 */
import { shapeContext } from '../design/datasets';
import type { Design, DesignEdge, DesignNode } from '../design/types';
import { analyzeGraph, type GraphAnalysis } from '../graph/analyze';
import { RELU_FAMILY, SATURATING_ACTIVATIONS, type Activation } from '../layers/activations';

/** Layers with a kernel whose gradient the diagnosis compares across depth. */
export const WEIGHTED_TYPES: readonly string[] = ['dense', 'conv2d', 'output'];

/** Nodes that may sit between a layer and its activation without changing what the layer is. */
const TRAILING_TYPES: readonly string[] = [
  'batchNormalization',
  'layerNormalization',
  'dropout',
  'activation',
];

/** Where a layer's non-linearity lives: in the layer's own `activation` param or in an activation node after it. */
export interface ActivationSite {
  /** The node holding the `activation` param. */
  nodeId: string;
  activation: Activation;
}

/** The node with this id, if any. */
export function nodeById(design: Design, id: string): DesignNode | undefined {
  return design.graph.nodes.find((n) => n.id === id);
}

/** Edges by source and by target, built once per edge list (designs are replaced, never mutated). */
const adjacency = new WeakMap<
  readonly DesignEdge[],
  { out: Map<string, DesignEdge[]>; into: Map<string, DesignEdge[]> }
>();

function links(design: Design): { out: Map<string, DesignEdge[]>; into: Map<string, DesignEdge[]> } {
  let found = adjacency.get(design.graph.edges);
  if (!found) {
    found = { out: new Map(), into: new Map() };
    for (const edge of design.graph.edges) {
      found.out.set(edge.source, [...(found.out.get(edge.source) ?? []), edge]);
      found.into.set(edge.target, [...(found.into.get(edge.target) ?? []), edge]);
    }
    adjacency.set(design.graph.edges, found);
  }
  return found;
}

/** The edges leaving a node, in file order. */
export function outgoing(design: Design, id: string): readonly DesignEdge[] {
  return links(design).out.get(id) ?? [];
}

/** The edges entering a node, in file order. */
export function incoming(design: Design, id: string): readonly DesignEdge[] {
  return links(design).into.get(id) ?? [];
}

/** The single successor of a node in a simple chain (one edge out, and that target has one edge in). */
export function chainSuccessor(design: Design, id: string): DesignNode | undefined {
  const out = outgoing(design, id);
  if (out.length !== 1 || incoming(design, out[0].target).length !== 1) return undefined;
  return nodeById(design, out[0].target);
}

/** The single predecessor of a node with one input, whose source feeds only it. */
export function chainPredecessor(design: Design, id: string): DesignNode | undefined {
  const into = incoming(design, id);
  if (into.length !== 1 || outgoing(design, into[0].source).length !== 1) return undefined;
  return nodeById(design, into[0].source);
}

/**
 * The layer and the normalization, dropout and activation nodes that follow
 * it in a simple chain, in order: what "remove this layer" removes and what a
 * skip connection wraps.
 */
export function unitOf(design: Design, id: string): DesignNode[] {
  const first = nodeById(design, id);
  if (!first) return [];
  const unit = [first];
  for (let next = chainSuccessor(design, id); next && TRAILING_TYPES.includes(next.type);) {
    unit.push(next);
    next = chainSuccessor(design, next.id);
  }
  return unit;
}

/** The non-linearity applied to a layer's output: its own, else the first activation node of its unit. */
export function activationSite(design: Design, id: string): ActivationSite | undefined {
  const node = nodeById(design, id);
  if (!node) return undefined;
  const own = node.params.activation;
  if (node.type === 'activation' || (typeof own === 'string' && own !== 'linear')) {
    return typeof own === 'string' ? { nodeId: node.id, activation: own as Activation } : undefined;
  }
  const site = unitOf(design, id).find((n) => n.type === 'activation');
  const activation = site?.params.activation;
  return site && typeof activation === 'string'
    ? { nodeId: site.id, activation: activation as Activation }
    : undefined;
}

export function isSaturating(activation: Activation | undefined): boolean {
  return activation !== undefined && SATURATING_ACTIVATIONS.includes(activation);
}

export function isReluFamily(activation: Activation | undefined): boolean {
  return activation !== undefined && RELU_FAMILY.includes(activation);
}

/** Hidden weighted layers (dense, conv2d) in the order the graph is written, which the engine keeps. */
export function hiddenLayers(design: Design): DesignNode[] {
  const order = analysisOf(design).order;
  const byId = new Map(design.graph.nodes.map((n) => [n.id, n]));
  return order
    .map((id) => byId.get(id))
    .filter((n): n is DesignNode => n !== undefined && (n.type === 'dense' || n.type === 'conv2d'));
}

const analyses = new WeakMap<Design, GraphAnalysis>();

/** `analyzeGraph` of the design with its data's shape facts, computed once per design object. */
export function analysisOf(design: Design): GraphAnalysis {
  let analysis = analyses.get(design);
  if (!analysis) {
    analysis = analyzeGraph(design.graph, shapeContext(design));
    analyses.set(design, analysis);
  }
  return analysis;
}

/** True when the design's graph can be built and trained. */
export function isTrainable(design: Design): boolean {
  return analysisOf(design).trainable;
}

/** A copy of the design with a new graph (nodes and edges replaced, never mutated). */
export function withGraph(
  design: Design,
  nodes: readonly DesignNode[],
  edges: readonly DesignEdge[],
): Design {
  return { ...design, graph: { nodes: [...nodes], edges: [...edges] } };
}

/** A copy of the design where one node's params are merged with `params`. */
export function withParams(design: Design, id: string, params: DesignNode['params']): Design {
  const nodes = design.graph.nodes.map((n) =>
    n.id === id ? { ...n, params: { ...n.params, ...params } } : n,
  );
  return withGraph(design, nodes, design.graph.edges);
}

/**
 * The weighted layer (dense, conv2d) whose output a node transforms: the node
 * itself, or for an activation or normalization node the layer before it in
 * the chain. Undefined when there is none (an activation right after a merge).
 */
export function ownerLayer(design: Design, id: string): string | undefined {
  for (let node = nodeById(design, id); node; node = chainPredecessor(design, node.id)) {
    if (node.type === 'dense' || node.type === 'conv2d') return node.id;
    if (!TRAILING_TYPES.includes(node.type)) return undefined;
  }
  return undefined;
}
