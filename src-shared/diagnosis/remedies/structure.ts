/**
 * Remedy edits that change the graph: insert BatchNorm between a layer and
 * its activation, wrap pairs of layers in skip connections, remove layers.
 * Existing nodes keep their ids; new nodes and edges get fresh ones.
 */
import { freshId, takenIds } from '../../design/ids';
import type { Design, DesignEdge, DesignNode, Position } from '../../design/types';
import { DEFAULT_LEAKY_ALPHA } from '../../layers/activations';
import { getLayerSpec } from '../../layers/index';
import { validateParams } from '../../layers/params';
import type { LayerType, Params } from '../../layers/types';
import {
  analysisOf,
  chainSuccessor,
  incoming,
  outgoing,
  hiddenLayers,
  isTrainable,
  nodeById,
  unitOf,
  withGraph,
} from '../network';

/** A new node with the catalogue's defaults under `params`, placed `offset` from `near`. */
function makeNode(
  type: LayerType,
  taken: Set<string>,
  prefix: string,
  params: Params,
  near: DesignNode,
  offset: Position,
): DesignNode {
  const spec = getLayerSpec(type);
  const filled = spec ? validateParams(spec, params) : undefined;
  const node: DesignNode = { id: freshId(prefix, taken), type, params: filled?.ok ? filled.params : params };
  if (near.position) node.position = { x: near.position.x + offset.x, y: near.position.y + offset.y };
  return node;
}

function makeEdge(source: string, target: string, taken: Set<string>, targetHandle?: string): DesignEdge {
  const edge: DesignEdge = { id: freshId('e', taken), source, target };
  if (targetHandle) edge.targetHandle = targetHandle;
  return edge;
}

/**
 * Puts batch normalization between each named dense or conv2d layer and its
 * non-linearity (Ioffe & Szegedy 2015): `d1(sigmoid)` becomes `d1(linear,
 * no bias) → bn → activation(sigmoid)`, and `d1 → activation` becomes
 * `d1 → bn → activation`. Layers already normalized, or without a
 * non-linearity, are left alone.
 */
export function insertBatchNorm(design: Design, layerIds: readonly string[]): Design {
  let result = design;
  const taken = takenIds(design.graph);
  for (const id of layerIds) {
    const layer = nodeById(result, id);
    if (!layer || !canInsertBatchNorm(result, id)) continue;
    const own = typeof layer.params.activation === 'string' ? layer.params.activation : 'linear';
    const bn = makeNode('batchNormalization', taken, 'bn', {}, layer, { x: 0, y: 110 });
    const added: DesignNode[] = [bn];
    let last = bn;
    if (own !== 'linear') {
      const params = { activation: own, alpha: layer.params.alpha ?? DEFAULT_LEAKY_ALPHA };
      last = makeNode('activation', taken, 'act', params, layer, { x: 100, y: 110 });
      added.push(last);
    }
    // The layer's outputs now leave the last new node; the layer feeds the new chain.
    const edges = result.graph.edges.map((e) => (e.source === id ? { ...e, source: last.id } : e));
    edges.push(makeEdge(id, bn.id, taken));
    if (last !== bn) edges.push(makeEdge(bn.id, last.id, taken));
    const nodes = result.graph.nodes.map((n) =>
      n.id === id && own !== 'linear'
        ? { ...n, params: { ...n.params, activation: 'linear', useBias: false } }
        : n,
    );
    result = withGraph(result, [...nodes, ...added], edges);
  }
  return result;
}

/** True when {@link insertBatchNorm} would change this layer: a dense or conv2d layer with a non-linearity and no normalization yet. */
export function canInsertBatchNorm(design: Design, id: string): boolean {
  const layer = nodeById(design, id);
  if (!layer || (layer.type !== 'dense' && layer.type !== 'conv2d')) return false;
  const unit = unitOf(design, id);
  if (unit.some((n) => n.type === 'batchNormalization' || n.type === 'layerNormalization')) return false;
  const own = typeof layer.params.activation === 'string' ? layer.params.activation : 'linear';
  return own !== 'linear' || unit.some((n) => n.type === 'activation');
}

/**
 * Consecutive pairs of hidden layers in a plain chain whose input and output
 * widths match, as `[first, second, input]` node ids: what
 * {@link addSkipConnections} wraps. A pair already ending in an `add` is not
 * offered again.
 */
export function skipCandidates(design: Design): [string, string, string][] {
  const analysis = analysisOf(design);
  const same = (a: string, b: string) => {
    const sa = analysis.shapes.get(a);
    const sb = analysis.shapes.get(b);
    return !!sa && !!sb && sa.length === sb.length && sa.every((d, i) => d === sb[i]);
  };
  const units = hiddenLayers(design).map((n) => unitOf(design, n.id));
  const pairs: [string, string, string][] = [];
  for (let i = 0; i + 1 < units.length;) {
    const [a, b] = [units[i], units[i + 1]];
    const into = incoming(design, a[0].id);
    const end = b[b.length - 1];
    const feedsAdd = outgoing(design, end.id).some((e) => nodeById(design, e.target)?.type === 'add');
    const eligible =
      into.length === 1 &&
      chainSuccessor(design, a[a.length - 1].id)?.id === b[0].id &&
      outgoing(design, end.id).length > 0 &&
      !feedsAdd &&
      same(into[0].source, end.id);
    if (eligible) {
      pairs.push([a[0].id, b[0].id, into[0].source]);
      i += 2;
    } else i += 1;
  }
  return pairs;
}

/**
 * Wraps each pair from {@link skipCandidates} in a residual connection
 * (He et al. 2016): the pair's input x and its output F(x) meet in a new
 * `add` (F(x) on `in0`, x on `in1`), and whatever the pair fed now follows
 * the add, so the gradient has an identity path around every pair.
 */
export function addSkipConnections(design: Design): Design {
  const taken = takenIds(design.graph);
  let result = design;
  for (const [first, second] of skipCandidates(design)) {
    // The block's input as it is now: the previous block's add once that is wired in.
    const input = result.graph.edges.find((e) => e.target === first)?.source;
    if (input === undefined) continue;
    const unit = unitOf(result, second);
    const end = unit[unit.length - 1];
    const add = makeNode('add', taken, 'add', {}, end, { x: 100, y: -110 });
    const edges = result.graph.edges.map((e) => (e.source === end.id ? { ...e, source: add.id } : e));
    edges.push(makeEdge(end.id, add.id, taken, 'in0'), makeEdge(input, add.id, taken, 'in1'));
    result = withGraph(result, [...result.graph.nodes, add], edges);
  }
  return result;
}

/**
 * The layer's unit can be cut out of the graph as it stands: one input,
 * something after it, and the cut would not feed one node twice (as in a
 * one-layer residual block x + F(x): remove the block, not the layer).
 */
function cuttable(design: Design, id: string): boolean {
  const layer = nodeById(design, id);
  if (!layer || (layer.type !== 'dense' && layer.type !== 'conv2d')) return false;
  const unit = unitOf(design, id);
  const into = incoming(design, id);
  const after = outgoing(design, unit[unit.length - 1].id);
  if (into.length !== 1 || !after.length) return false;
  const fedAlready = new Set(outgoing(design, into[0].source).map((e) => e.target));
  return !after.some((e) => fedAlready.has(e.target));
}

/**
 * True when {@link removeLayers} can take this layer out on its own: it can
 * be cut, and an `add` after it would still get the width it needs.
 */
export function canRemoveLayer(design: Design, id: string): boolean {
  if (!cuttable(design, id)) return false;
  const unit = unitOf(design, id);
  const source = incoming(design, id)[0].source;
  const after = outgoing(design, unit[unit.length - 1].id);
  const { shapes } = analysisOf(design);
  const [before, now] = [shapes.get(source), shapes.get(unit[unit.length - 1].id)];
  const sameShape = !!before && !!now && before.length === now.length && before.every((d, i) => d === now[i]);
  return sameShape || !after.some((e) => nodeById(design, e.target)?.type === 'add');
}

/** The design without one layer's unit, its input joined to what the unit fed; unchecked. */
function cutLayer(design: Design, id: string): Design {
  const unit = unitOf(design, id);
  const source = incoming(design, id)[0].source;
  const gone = new Set(unit.map((n) => n.id));
  const last = unit[unit.length - 1].id;
  const edges = design.graph.edges
    .filter((e) => !gone.has(e.target))
    .map((e) => (e.source === last ? { ...e, source } : e));
  return withGraph(
    design,
    design.graph.nodes.filter((n) => !gone.has(n.id)),
    edges,
  );
}

/**
 * Removes the named hidden layers, each with its trailing normalization,
 * dropout and activation nodes, joining what fed the layer to what it fed.
 * A layer whose removal would leave the design untrainable (a width a merge
 * needs, the last hidden layer) is kept.
 */
export function removeLayers(design: Design, layerIds: readonly string[]): Design {
  const removable = layerIds.filter((id) => canRemoveLayer(design, id));
  const acceptable = (d: Design) => hiddenLayers(d).length >= 1 && isTrainable(d);
  const cut = (check: boolean) =>
    removable.reduce((d, id) => {
      if (!cuttable(d, id)) return d;
      const candidate = cutLayer(d, id);
      return !check || acceptable(candidate) ? candidate : d;
    }, design);
  // Usually every cut is fine: check the result once, and layer by layer only when it is not.
  const fast = cut(false);
  return fast === design || acceptable(fast) ? fast : cut(true);
}
