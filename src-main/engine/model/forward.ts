/**
 * The forward pass of a compiled network, written as tfjs ops so that tfjs's
 * autodiff (plus the hand-written gradients in fast-ops) differentiates it.
 * Weights are passed in as arguments rather than read from the variables, so
 * the trainer can take gradients with respect to them, and the gradient with
 * respect to each layer's output can be observed during the backward pass.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { pair } from '../../../src-shared/layers/params';
import { tf, type Tensor } from '../backend/tf';
import { applyActivation } from './activations';
import { addSameShape } from './add-kernel';
import { dense, fusesActivation } from './dense';
import { conv2dBiasActivation } from './conv-fused';
import { conv2dFast } from './fast-ops';
import { throwIfInterrupted } from './interrupt';
import type { Network, NetworkNode } from './network';
import { tap } from './tap-kernel';
import { addBiasOnHeap } from './layer-kernels';
import { averagePool, maxPool } from './windows';

export interface ForwardOptions {
  /** Batch statistics in BatchNorm, dropout active. */
  training: boolean;
  /**
   * Called during the backward pass with ∂loss/∂output of each node (but the
   * input): dense layers report it from their own gradient, others through an
   * identity tap on their output.
   */
  observeOutputGradient?: (nodeIndex: number, dy: Tensor) => void;
  /**
   * Called during the backward pass with the gradient a node hands back
   * along one input edge, for the edges the network marks in
   * `tappedInputs` (where a residual branch leaves its block input).
   */
  observeInputGradient?: (nodeIndex: number, slot: number, dy: Tensor) => void;
  /** Seed of this step's dropout masks (derived per node inside). */
  dropoutSeed?: number;
}

export interface ForwardResult {
  /** Each node's output, indexed like network.nodes. For `output` the logits. */
  outputs: Tensor[];
  /**
   * Batch mean and variance of each BatchNorm that normalized with them
   * (training mode, node not frozen), in network order.
   */
  batchStats: { nodeId: string; mean: Tensor; variance: Tensor }[];
}

/**
 * Runs the network on `x` ([batch, ...inputShape]) with `weights` (one tensor
 * per network.weights entry, same order).
 */
export function forward(
  network: Network,
  x: Tensor,
  weights: readonly Tensor[],
  options: ForwardOptions,
): ForwardResult {
  const outputs: Tensor[] = [];
  const batchStats: ForwardResult['batchStats'] = [];
  network.nodes.forEach((node, index) => {
    // Between layers, so a pause or stop waits for one layer, not the whole pass.
    throwIfInterrupted();
    const edges = options.observeInputGradient;
    const tapped = edges && node.tappedInputs;
    const inputs = node.inputs.map((i, slot) =>
      tapped && tapped.includes(slot) ? tap(outputs[i], (dy) => edges(index, slot, dy)) : outputs[i],
    );
    const report = options.observeOutputGradient;
    const observe = report ? (dy: Tensor) => report(index, dy) : undefined;
    const w = node.weights.map((i) => weights[i]);
    let out: Tensor;
    const activate = (z: Tensor, activation: Activation, alpha: number): Tensor =>
      activation === 'linear' ? z : applyActivation(activation, z, alpha);
    switch (node.type) {
      case 'input':
        out = x;
        break;
      case 'dense':
        out = dense(inputs[0], w[0], w[1], node.params.activation, node.params.alpha, observe);
        break;
      case 'output':
        out = dense(inputs[0], w[0], w[1], 'linear', 0, observe);
        break;
      case 'conv2d': {
        const { activation, alpha } = node.params;
        const options = { strides: pair(node.params.strides), padding: node.params.padding };
        out =
          conv2dBiasActivation(inputs[0], w[0], w[1], activation, alpha, options) ??
          activate(withBias(conv2dFast(inputs[0], w[0], options), w[1]), activation, alpha);
        break;
      }
      case 'maxPooling2d':
      case 'averagePooling2d': {
        const pool = node.type === 'maxPooling2d' ? maxPool : averagePool;
        out = pool(inputs[0], {
          poolSize: pair(node.params.poolSize),
          strides: pair(node.params.strides),
          padding: node.params.padding,
        });
        break;
      }
      case 'globalAveragePooling2d':
        out = tf.mean(inputs[0], [1, 2]);
        break;
      case 'flatten':
        out = tf.reshape(inputs[0], [inputs[0].shape[0], -1]);
        break;
      case 'reshape':
        out = tf.reshape(inputs[0], [inputs[0].shape[0], ...node.params.targetShape]);
        break;
      case 'dropout':
        out = dropout(inputs[0], node.params.rate, options, index);
        break;
      case 'activation':
        out = activate(inputs[0], node.params.activation, node.params.alpha);
        break;
      case 'batchNormalization':
        out = batchNorm(network, node, node.params.epsilon, inputs[0], w, options.training, batchStats);
        break;
      case 'layerNormalization': {
        const { mean, variance } = tf.moments(inputs[0], -1, true);
        out = normalize(inputs[0], mean, variance, w, node.params.epsilon);
        break;
      }
      case 'add':
        out = inputs.length === 2 ? addSameShape(inputs[0], inputs[1], observe) : tf.addN(inputs);
        break;
      case 'concatenate':
        out = tf.concat(inputs, node.params.axis);
        break;
    }
    const observedInside =
      (node.type === 'dense' && fusesActivation(node.params.activation)) ||
      node.type === 'output' ||
      (node.type === 'add' && inputs.length === 2);
    const tapOutput = observe && !observedInside && node.type !== 'input';
    outputs.push(tapOutput ? tap(out, observe) : out);
  });
  return { outputs, batchStats };
}

function withBias(z: Tensor, bias: Tensor | undefined): Tensor {
  if (!bias) return z;
  return addBiasOnHeap(z, bias) ?? tf.add(z, bias);
}

function normalize(x: Tensor, mean: Tensor, variance: Tensor, w: Tensor[], epsilon: number): Tensor {
  const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(normalized, w[0]), w[1]);
}

function batchNorm(
  network: Network,
  node: NetworkNode,
  epsilon: number,
  x: Tensor,
  w: Tensor[],
  training: boolean,
  batchStats: ForwardResult['batchStats'],
): Tensor {
  // A frozen BatchNorm runs in inference mode even while the rest trains, as in
  // Keras: fine-tuning must not drift the statistics the pretrained model learned.
  if (training && node.trainable) {
    // Statistics over every axis but the channels: batch (and height, width for images).
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    batchStats.push({ nodeId: node.id, mean, variance });
    return normalize(x, mean, variance, w, epsilon);
  }
  const moving = network.movingStats.find((m) => m.nodeId === node.id)!;
  return normalize(x, moving.mean, moving.variance, w, epsilon);
}

function dropout(x: Tensor, rate: number, options: ForwardOptions, index: number): Tensor {
  if (!options.training || rate === 0) return x;
  // tfjs's seeded uniform is generated in JavaScript, hence identical on every backend.
  const seed = ((options.dropoutSeed ?? 0) + index * 7919) >>> 0;
  const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate), 'float32');
  return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
}
