/**
 * A design compiled into something the trainer can run: nodes in topological
 * order, each with its weights as tfjs variables (drawn by the seeded
 * initializers) and a forward function. The trainer's loop is custom rather
 * than `model.fit` so that every layer's output and gradient can be observed;
 * the export builds a tfjs LayersModel from the same weights.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { parseInitializer } from '../../../src-shared/layers/initializers';
import type { LayerType, Params, Shape } from '../../../src-shared/layers/types';
import type { Design } from '../../../src-shared/design/types';
import { orderedInputs, type GraphAnalysis } from '../../../src-shared/graph';
import { deriveSeed } from '../data/random';
import { variableFrom } from '../backend/scope';
import { tf, type Tensor, type Variable } from '../backend/tf';
import { initializeKernel } from './initializers';

/** What a weight is for; `kernel` (or a norm layer's `gamma`) is what telemetry's gradNorm measures. */
export type WeightRole = 'kernel' | 'bias' | 'gamma' | 'beta';

export interface WeightSlot {
  nodeId: string;
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

/** One node of the compiled network. */
export interface NetworkNode {
  id: string;
  type: LayerType;
  params: Params;
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
}

export interface Network {
  nodes: NetworkNode[];
  weights: WeightSlot[];
  movingStats: MovingStats[];
  /** Index of the single input node and of the output node. */
  inputIndex: number;
  outputIndex: number;
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
  const weights: WeightSlot[] = [];
  const movingStats: MovingStats[] = [];
  const nodes: NetworkNode[] = analysis.order.map((id) => {
    const source = design.graph.nodes.find((n) => n.id === id)!;
    const params = analysis.params.get(id)!;
    const inputShapes = [...(analysis.inputShapes.get(id) ?? [])];
    const node: NetworkNode = {
      id,
      type: source.type,
      params,
      inputs: orderedInputs(design.graph, id).map((edge) => indexById.get(edge.source)!),
      inputShapes,
      outputShape: analysis.shapes.get(id)!,
      weights: [],
      trainable: source.trainable !== false,
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
    // Variables stay unnamed: tfjs registers names globally, and two networks
    // (an A/B comparison, an export) would otherwise collide.
    const add = (role: WeightRole, shape: number[], values: () => Float32Array) => {
      node.weights.push(weights.length);
      if (role === 'kernel' || role === 'gamma') node.measuredWeight = weights.length;
      weights.push({
        nodeId: id,
        role,
        shape,
        variable: variableFrom(tf.tensor(given(role, shape, values), shape), true),
        trainable: node.trainable,
      });
    };
    const kernelSeed = deriveSeed(seed, 'init', id, 'kernel');
    switch (source.type) {
      case 'dense':
      case 'output': {
        const units = node.outputShape[0];
        const shape = [inputShapes[0][0], units];
        add('kernel', shape, () => initializeKernel(initializer(params), shape, kernelSeed));
        if (params.useBias !== false) add('bias', [units], () => new Float32Array(units));
        if (source.type === 'dense') node.activation = params.activation as Activation;
        break;
      }
      case 'conv2d': {
        const kernelSize = toPair(params.kernelSize);
        const filters = params.filters as number;
        const shape = [...kernelSize, inputShapes[0][2], filters];
        add('kernel', shape, () => initializeKernel(initializer(params), shape, kernelSeed));
        if (params.useBias !== false) add('bias', [filters], () => new Float32Array(filters));
        node.activation = params.activation as Activation;
        break;
      }
      case 'batchNormalization':
      case 'layerNormalization': {
        const channels = inputShapes[0][inputShapes[0].length - 1];
        add('gamma', [channels], () => new Float32Array(channels).fill(1));
        add('beta', [channels], () => new Float32Array(channels));
        if (source.type === 'batchNormalization') {
          movingStats.push({
            nodeId: id,
            mean: variableFrom(
              tf.tensor(
                given('movingMean', [channels], () => new Float32Array(channels)),
                [channels],
              ),
              false,
            ),
            variance: variableFrom(
              tf.tensor(
                given('movingVariance', [channels], () => new Float32Array(channels).fill(1)),
                [channels],
              ),
              false,
            ),
            momentum: params.momentum as number,
          });
        }
        break;
      }
      case 'activation':
        node.activation = params.activation as Activation;
        break;
      default:
        break;
    }
    return node;
  });
  return {
    nodes,
    weights,
    movingStats,
    inputIndex: nodes.findIndex((n) => n.type === 'input'),
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

function initializer(params: Params) {
  const parsed = parseInitializer(params.kernelInitializer);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** `3` → [3, 3]; `[3, 5]` → [3, 5]. */
export function toPair(value: Params[string]): [number, number] {
  if (typeof value === 'number') return [value, value];
  const list = value as readonly number[];
  return [list[0], list[1]];
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
