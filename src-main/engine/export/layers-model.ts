/**
 * A compiled network as a TensorFlow.js LayersModel whose layers are named by
 * the design's node ids, carrying the network's current weights, so an
 * exported model and the telemetry line up layer by layer. The model outputs
 * the `output` node's logits (the loss is the trainer's business).
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { initializerOf, pair } from '../../../src-shared/layers/params';
import type { InitializerValue } from '../../../src-shared/layers/types';
import { tf } from '../backend/tf';
import type { Network, NetworkNode } from '../model/network';

type SymbolicTensor = ReturnType<typeof tf.input>;
type TfActivation = Parameters<typeof tf.layers.activation>[0]['activation'];
type TfInitializer = ReturnType<typeof tf.initializers.zeros>;

/** Builds the LayersModel and copies the network's weights into it. */
export function toLayersModel(network: Network, name = 'backflow'): ReturnType<typeof tf.model> {
  const symbols: SymbolicTensor[] = [];
  let input: SymbolicTensor | undefined;
  for (const node of network.nodes) {
    const inputs = node.inputs.map((i) => symbols[i]);
    const symbol = buildLayer(node, inputs);
    if (node.type === 'input') input = symbol;
    symbols.push(symbol);
  }
  const model = tf.model({ inputs: input!, outputs: symbols[network.outputIndex], name });
  copyWeights(network, model);
  return model;
}

function buildLayer(node: NetworkNode, inputs: SymbolicTensor[]): SymbolicTensor {
  const name = node.id;
  // Frozen nodes are saved frozen, so Keras and tfjs fine-tuning keep them fixed too.
  const trainable = node.trainable;
  const apply = (layer: { apply: (x: SymbolicTensor | SymbolicTensor[]) => unknown }, x = inputs[0]) =>
    layer.apply(x) as SymbolicTensor;
  switch (node.type) {
    case 'input':
      return tf.input({ shape: [...node.outputShape], name });
    case 'dense':
    case 'output': {
      const { activation, alpha } =
        node.type === 'dense' ? node.params : { activation: 'linear' as const, alpha: 0 };
      const split = needsSeparateActivation(activation);
      const dense = tf.layers.dense({
        units: node.outputShape[0],
        useBias: node.params.useBias,
        activation: split ? 'linear' : tfActivation(activation),
        kernelInitializer: tfInitializer(node.params.kernelInitializer),
        name,
        trainable,
      });
      return split ? activationAfter(apply(dense), activation, alpha, name) : apply(dense);
    }
    case 'conv2d': {
      const p = node.params;
      const split = needsSeparateActivation(p.activation);
      const conv = tf.layers.conv2d({
        filters: p.filters,
        kernelSize: pair(p.kernelSize),
        strides: pair(p.strides),
        padding: p.padding,
        useBias: p.useBias,
        activation: split ? 'linear' : tfActivation(p.activation),
        kernelInitializer: tfInitializer(p.kernelInitializer),
        name,
        trainable,
      });
      return split ? activationAfter(apply(conv), p.activation, p.alpha, name) : apply(conv);
    }
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const p = node.params;
      const config = { poolSize: pair(p.poolSize), strides: pair(p.strides), padding: p.padding, name };
      return apply(
        node.type === 'maxPooling2d' ? tf.layers.maxPooling2d(config) : tf.layers.averagePooling2d(config),
      );
    }
    case 'globalAveragePooling2d':
      return apply(tf.layers.globalAveragePooling2d({ name }));
    case 'flatten':
      return apply(tf.layers.flatten({ name }));
    case 'reshape':
      return apply(tf.layers.reshape({ targetShape: [...node.params.targetShape], name }));
    case 'dropout':
      return apply(tf.layers.dropout({ rate: node.params.rate, name }));
    case 'activation': {
      const { activation, alpha } = node.params;
      if (activation === 'leakyRelu') return apply(tf.layers.leakyReLU({ alpha, name }));
      return apply(tf.layers.activation({ activation: tfActivation(activation), name }));
    }
    case 'batchNormalization': {
      const { momentum, epsilon } = node.params;
      return apply(tf.layers.batchNormalization({ axis: -1, momentum, epsilon, name, trainable }));
    }
    case 'layerNormalization':
      return apply(tf.layers.layerNormalization({ axis: -1, epsilon: node.params.epsilon, name, trainable }));
    case 'add':
      return apply(tf.layers.add({ name }), inputs as unknown as SymbolicTensor);
    case 'concatenate':
      return apply(
        tf.layers.concatenate({ axis: node.params.axis, name }),
        inputs as unknown as SymbolicTensor,
      );
  }
}

/** leakyRelu is a separate layer in Keras and tfjs, not an activation string. */
function needsSeparateActivation(activation: Activation): boolean {
  return activation === 'leakyRelu';
}

function activationAfter(
  x: SymbolicTensor,
  activation: Activation,
  alpha: number,
  id: string,
): SymbolicTensor {
  return tf.layers.leakyReLU({ alpha, name: `${id}_${activation}` }).apply(x) as SymbolicTensor;
}

function tfActivation(activation: Activation): TfActivation {
  return activation as TfActivation;
}

/**
 * The design's kernel initializer as a tfjs one, so the saved topology says
 * how the layer was initialized. `standardUniform`, U[−1/√fan_in, 1/√fan_in],
 * is variance scaling with scale 1/3 over fan_in (limit √(3·scale/fan_in)).
 */
function tfInitializer(value: InitializerValue): TfInitializer {
  const spec = initializerOf(value);
  switch (spec.name) {
    case 'standardUniform':
      return tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform' });
    case 'randomNormal':
      return tf.initializers.randomNormal({ mean: 0, stddev: spec.stddev });
    case 'randomUniform':
      return tf.initializers.randomUniform({ minval: -spec.limit, maxval: spec.limit });
    case 'orthogonal':
      return tf.initializers.orthogonal({ gain: spec.gain });
    case 'zeros':
      return tf.initializers.zeros();
    case 'lecunUniform':
      return tf.initializers.leCunUniform({});
    case 'lecunNormal':
      return tf.initializers.leCunNormal({});
    default:
      return tf.initializers[spec.name]({});
  }
}

/** Copies kernel, bias, gamma, beta and moving statistics into the model's layers by node id. */
function copyWeights(network: Network, model: ReturnType<typeof tf.model>): void {
  for (const node of network.nodes) {
    if (!node.weights.length) continue;
    const values = node.weights.map((i) => network.weights[i].variable);
    const moving = network.movingStats.find((m) => m.nodeId === node.id);
    model.getLayer(node.id).setWeights(moving ? [...values, moving.mean, moving.variance] : values);
  }
}
