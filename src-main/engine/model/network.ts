/**
 * A design compiled into something the trainer can run: nodes in topological
 * order, each with its weights as tfjs variables (drawn by the seeded
 * initializers) and a forward function. Which weights a node has, their
 * shapes and how they start is the layer catalogue's answer (`layerWeights`),
 * the same one the weight count, exporters and importers read. The trainer's
 * loop is custom rather than `model.fit` so that every layer's output and
 * gradient can be observed; the export builds a tfjs LayersModel from the
 * same weights.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { activationOf, layerWeights, type TypedLayer } from '../../../src-shared/layers';
import type { Shape, WeightRole } from '../../../src-shared/layers/types';
import type { Design } from '../../../src-shared/design/types';
import { orderedInputs, type GraphAnalysis } from '../../../src-shared/graph';
import { mergePaths, type MergePaths } from '../../../src-shared/graph/merge-paths';
import { deriveSeed } from '../data/random';
import { readsAsync } from '../backend/readback';
import { variableFrom } from '../backend/scope';
import { tf, type Tensor, type Variable } from '../backend/tf';
import { initialValues } from './initializers';

/** One trained weight of the network. */
export interface WeightSlot {
  nodeId: string;
  /** kernel, bias, gamma or beta (moving statistics live in {@link MovingStats}). */
  role: WeightRole;
  shape: number[];
  variable: Variable;
  /** False when its node is frozen (`trainable: false`): the trainer never updates it. */
  trainable: boolean;
}

/** Non-trainable state: a BatchNorm layer's moving statistics. */
export interface MovingStats {
  nodeId: string;
  mean: Variable;
  variance: Variable;
  momentum: number;
}

/** One node of the compiled network: its layer (type and typed params) and where it sits. */
export type NetworkNode = TypedLayer & {
  id: string;
  /** Indices into {@link Network.nodes} of this node's inputs, in input order. */
  inputs: number[];
  inputShapes: Shape[];
  outputShape: Shape;
  /** Indices into {@link Network.weights}, in the order the forward function takes them. */
  weights: number[];
  /** Index into {@link Network.weights} of the weight gradNorm reports (kernel, or gamma), if any. */
  measuredWeight?: number;
  /** The nonlinearity applied inside this node, for saturation and dead-unit statistics. */
  activation?: Activation;
  /** False when the design froze this node: no weight update, and BatchNorm runs on its moving statistics. */
  trainable: boolean;
  /**
   * Input slots to tap when observing gradients: edges out of a block input
   * that carry a merge's branch (see {@link Network.merges}).
   */
  tappedInputs?: number[];
};

export interface Network {
  nodes: NetworkNode[];
  weights: WeightSlot[];
  movingStats: MovingStats[];
  /** Index of the single input node and of the output node. */
  inputIndex: number;
  outputIndex: number;
  /** Every add and concatenate node's block input and the edges carrying each input's path. */
  merges: MergePaths[];
  /** Frees every variable. */
  dispose(): void;
}

/** Weight values keyed `nodeId/role` (role: kernel, bias, gamma, beta, movingMean, movingVariance). */
export type WeightValues = ReadonlyMap<string, { shape: readonly number[]; values: Float32Array }>;

/** Options of {@link buildNetwork}. */
export interface BuildOptions {
  /**
   * Start from these weights (an imported, pretrained model) instead of the
   * seeded initializers. Keys missing from the map are initialized as usual;
   * a shape that differs from the layer's is an error naming the weight.
   */
  initialWeights?: WeightValues;
}

/**
 * Compiles a design whose graph analysis found no problems. Weights are
 * seeded per node and per weight (`deriveSeed(seed, 'init', nodeId, role)`),
 * so editing one layer leaves every other layer's initial weights unchanged:
 * an A/B comparison then differs only where the user changed something.
 */
export function buildNetwork(
  design: Design,
  analysis: GraphAnalysis,
  seed: number,
  options: BuildOptions = {},
): Network {
  if (!analysis.trainable) {
    throw new Error(`design is not trainable: ${analysis.problems.map((p) => p.message).join('; ')}`);
  }
  const indexById = new Map(analysis.order.map((id, index) => [id, index]));
  const trainableById = new Map(design.graph.nodes.map((n) => [n.id, n.trainable !== false]));
  const weights: WeightSlot[] = [];
  const movingStats: MovingStats[] = [];
  const nodes: NetworkNode[] = analysis.order.map((id) => {
    const layer = analysis.layers.get(id)!;
    const inputShapes = [...(analysis.inputShapes.get(id) ?? [])];
    const outputShape = analysis.shapes.get(id)!;
    const node: NetworkNode = {
      ...layer,
      id,
      inputs: orderedInputs(design.graph, id).map((edge) => indexById.get(edge.source)!),
      inputShapes,
      outputShape,
      weights: [],
      activation: activationOf(layer),
      trainable: trainableById.get(id) !== false,
    };
    const given = (role: string, shape: number[], fallback: () => Float32Array): Float32Array => {
      const found = options.initialWeights?.get(`${id}/${role}`);
      if (!found) return fallback();
      const size = shape.reduce((x, y) => x * y, 1);
      const sameShape = found.shape.length === shape.length && found.shape.every((d, i) => d === shape[i]);
      if (!sameShape || found.values.length !== size) {
        throw new Error(
          `initial weight "${id}/${role}" has shape [${found.shape.join(', ')}], but the layer needs [${shape.join(', ')}]`,
        );
      }
      return found.values;
    };
    const statistics = new Map<WeightRole, Variable>();
    for (const w of layerWeights(layer, inputShapes, outputShape)) {
      const values = given(w.role, w.shape, () =>
        initialValues(w.init, w.shape, deriveSeed(seed, 'init', id, w.role)),
      );
      // Variables stay unnamed: tfjs registers names globally, and two networks
      // (an A/B comparison, an export) would otherwise collide.
      const variable = variableFrom(tf.tensor(values, w.shape), w.trainable);
      if (!w.trainable) {
        statistics.set(w.role, variable);
        continue;
      }
      node.weights.push(weights.length);
      if (w.role === 'kernel' || w.role === 'gamma') node.measuredWeight = weights.length;
      weights.push({ nodeId: id, role: w.role, shape: w.shape, variable, trainable: node.trainable });
    }
    if (layer.type === 'batchNormalization') {
      movingStats.push({
        nodeId: id,
        mean: statistics.get('movingMean')!,
        variance: statistics.get('movingVariance')!,
        momentum: layer.params.momentum,
      });
    }
    return node;
  });
  const inputIndex = nodes.findIndex((n) => n.type === 'input');
  const merges = mergePaths(nodes, inputIndex);
  for (const { merge, entries } of merges) {
    for (const edge of entries.flat()) {
      // The merge's own identity input needs no tap: its gradient is the merge's (or a slice of it).
      if (!edge || edge.consumer === merge) continue;
      const node = nodes[edge.consumer];
      node.tappedInputs = [...new Set([...(node.tappedInputs ?? []), edge.slot])];
    }
  }
  return {
    nodes,
    weights,
    movingStats,
    inputIndex,
    merges,
    outputIndex: nodes.findIndex((n) => n.type === 'output'),
    dispose() {
      for (const w of weights) w.variable.dispose();
      for (const m of movingStats) {
        m.mean.dispose();
        m.variance.dispose();
      }
    },
  };
}

/** The network's `output` node (its loss, its width), typed as one. */
export function outputNode(network: Network): Extract<NetworkNode, { type: 'output' }> {
  const node = network.nodes[network.outputIndex];
  if (node.type !== 'output') throw new Error('the network has no output node');
  return node;
}

/**
 * On a backend that reads only asynchronously (WebGPU), reads every weight and
 * moving statistic of `network` ahead: the backend keeps what it read on the
 * CPU, so {@link snapshotWeights} and the exports can then read synchronously.
 * Does nothing elsewhere.
 */
export async function readWeightsAhead(network: Network): Promise<void> {
  if (!readsAsync()) return;
  const tensors = [
    ...network.weights.map((w) => w.variable),
    ...network.movingStats.flatMap((m) => [m.mean, m.variance]),
  ];
  await Promise.all(tensors.map((t) => t.data()));
}

/** Reads every weight back as plain arrays, keyed `nodeId/role`. */
export function snapshotWeights(network: Network): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const w of network.weights) {
    out.set(`${w.nodeId}/${w.role}`, { shape: w.shape, values: w.variable.dataSync() as Float32Array });
  }
  for (const m of network.movingStats) {
    out.set(`${m.nodeId}/movingMean`, { shape: m.mean.shape, values: m.mean.dataSync() as Float32Array });
    out.set(`${m.nodeId}/movingVariance`, {
      shape: m.variance.shape,
      values: m.variance.dataSync() as Float32Array,
    });
  }
  return out;
}

export type { Tensor };
