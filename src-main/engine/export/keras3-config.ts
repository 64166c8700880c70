/**
 * A network as Keras 3's `config.json`: the object `keras.saving.serialize_keras_object(model)`
 * returns for a Functional model, in Keras 3's serialization format. Every
 * object is `{ module, class_name, config, registered_name }`: built-in layers,
 * initializers and the dtype policy resolve through their public module
 * (`keras.layers.Dense`), and Functional, which Keras does not export, through
 * `keras.src.models.functional` with `registered_name: "Functional"` — the
 * field whose absence makes Keras 3 refuse a Keras 2 config ("Could not
 * locate class 'Functional'"). Layer configs carry the keys every Keras 3
 * release accepts (3.0 onwards); newer optional keys (`quantization_config`,
 * `optional`) are left to their defaults.
 *
 * Layers are listed in the order Keras itself gives `model.layers` (see
 * {@link kerasLayerOrder}), because the weights file addresses layers by
 * their position in that list.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { initializerOf, pair } from '../../../src-shared/layers/params';
import type { InitializerValue, WeightRole } from '../../../src-shared/layers/types';
import type { Network, NetworkNode } from '../model/network';

type Json = Record<string, unknown>;

/** One Keras layer of the exported model and the weights it stores, in Keras's order. */
export interface Keras3Layer {
  name: string;
  className: string;
  /** The design node whose weights the layer holds (a split LeakyReLU holds none). */
  nodeId: string;
  /** Weight roles in the order Keras's save_own_variables writes them (`vars/0`, `vars/1`, …). */
  roles: WeightRole[];
}

/** The serialized model and its layers in `model.layers` order. */
export interface Keras3Model {
  config: Json;
  layers: Keras3Layer[];
}

/** Suffix of the LeakyReLU layer a leakyRelu dense/conv node becomes (the importer folds it back). */
export const LEAKY_SUFFIX = '_leakyRelu';

/** The float32 dtype policy, as every Keras 3 layer serializes it. */
const DTYPE = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
};

function kerasObject(module: string, className: string, config: Json): Json {
  return { module, class_name: className, config, registered_name: null };
}

const initializer = (className: string, config: Json = {}) =>
  kerasObject('keras.initializers', className, config);

/** Keras's activation names; tfjs's and Backflow's `swish` is Keras's `silu`. */
function kerasActivation(activation: Activation): string {
  if (activation === 'swish') return 'silu';
  if (activation === 'leakyRelu') throw new Error('leakyRelu is a separate LeakyReLU layer');
  return activation;
}

/**
 * The design's initializer as Keras's. `standardUniform`, U[−1/√fan_in, 1/√fan_in],
 * is VarianceScaling with scale 1/3 over fan_in (limit √(3·scale/fan_in)).
 */
export function kerasInitializer(value: InitializerValue): Json {
  const spec = initializerOf(value);
  switch (spec.name) {
    case 'standardUniform':
      return initializer('VarianceScaling', {
        scale: 1 / 3,
        mode: 'fan_in',
        distribution: 'uniform',
        seed: null,
      });
    case 'randomNormal':
      return initializer('RandomNormal', { mean: 0, stddev: spec.stddev, seed: null });
    case 'randomUniform':
      return initializer('RandomUniform', { minval: -spec.limit, maxval: spec.limit, seed: null });
    case 'orthogonal':
      return initializer('Orthogonal', { gain: spec.gain, seed: null });
    case 'zeros':
      return initializer('Zeros');
    default:
      return initializer(spec.name[0].toUpperCase() + spec.name.slice(1), { seed: null });
  }
}

/** A layer before ordering: its serialized form without inbound nodes, and its inputs by layer name. */
interface Draft {
  layer: Keras3Layer;
  config: Json;
  inputs: string[];
  inputShapes: (number | null)[][];
  outputShape: (number | null)[];
}

const batched = (shape: readonly number[]) => [null, ...shape];

/** The Keras layers of one node (two for a leakyRelu dense/conv: the layer, then LeakyReLU). */
function draftsOf(node: NetworkNode, inputs: string[], inputShapes: (number | null)[][]): Draft[] {
  const base = { name: node.id, trainable: node.trainable, dtype: DTYPE };
  const out = batched(node.outputShape);
  const draft = (className: string, config: Json, roles: WeightRole[] = []): Draft => ({
    layer: { name: node.id, className, nodeId: node.id, roles },
    config: { ...base, ...config },
    inputs,
    inputShapes,
    outputShape: out,
  });
  const withLeaky = (main: Draft, activation: Activation, alpha: number): Draft[] => {
    if (activation !== 'leakyRelu') return [main];
    const name = `${node.id}${LEAKY_SUFFIX}`;
    const leaky: Draft = {
      layer: { name, className: 'LeakyReLU', nodeId: node.id, roles: [] },
      config: { name, trainable: node.trainable, dtype: DTYPE, negative_slope: alpha },
      inputs: [node.id],
      inputShapes: [out],
      outputShape: out,
    };
    return [main, leaky];
  };
  const nullWeights = {
    kernel_regularizer: null,
    bias_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
  const biasRoles = (useBias: boolean): WeightRole[] => (useBias ? ['kernel', 'bias'] : ['kernel']);
  switch (node.type) {
    case 'input':
      return [
        {
          layer: { name: node.id, className: 'InputLayer', nodeId: node.id, roles: [] },
          config: { batch_shape: out, dtype: 'float32', sparse: false, name: node.id },
          inputs: [],
          inputShapes: [],
          outputShape: out,
        },
      ];
    case 'dense':
    case 'output': {
      const { activation, alpha } =
        node.type === 'dense' ? node.params : { activation: 'linear' as const, alpha: 0 };
      const dense = draft(
        'Dense',
        {
          units: node.outputShape[0],
          activation: activation === 'leakyRelu' ? 'linear' : kerasActivation(activation),
          use_bias: node.params.useBias,
          kernel_initializer: kerasInitializer(node.params.kernelInitializer),
          bias_initializer: initializer('Zeros'),
          ...nullWeights,
        },
        biasRoles(node.params.useBias),
      );
      return withLeaky(dense, activation, alpha);
    }
    case 'conv2d': {
      const p = node.params;
      const conv = draft(
        'Conv2D',
        {
          filters: p.filters,
          kernel_size: [...pair(p.kernelSize)],
          strides: [...pair(p.strides)],
          padding: p.padding,
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          groups: 1,
          activation: p.activation === 'leakyRelu' ? 'linear' : kerasActivation(p.activation),
          use_bias: p.useBias,
          kernel_initializer: kerasInitializer(p.kernelInitializer),
          bias_initializer: initializer('Zeros'),
          activity_regularizer: null,
          ...nullWeights,
        },
        biasRoles(p.useBias),
      );
      return withLeaky(conv, p.activation, p.alpha);
    }
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const p = node.params;
      return [
        draft(node.type === 'maxPooling2d' ? 'MaxPooling2D' : 'AveragePooling2D', {
          pool_size: [...pair(p.poolSize)],
          padding: p.padding,
          strides: [...pair(p.strides)],
          data_format: 'channels_last',
        }),
      ];
    }
    case 'globalAveragePooling2d':
      return [draft('GlobalAveragePooling2D', { data_format: 'channels_last', keepdims: false })];
    case 'flatten':
      return [draft('Flatten', { data_format: 'channels_last' })];
    case 'reshape':
      return [draft('Reshape', { target_shape: [...node.params.targetShape] })];
    case 'dropout':
      return [draft('Dropout', { rate: node.params.rate, seed: null, noise_shape: null })];
    case 'activation': {
      const { activation, alpha } = node.params;
      if (activation === 'leakyRelu') return [draft('LeakyReLU', { negative_slope: alpha })];
      return [draft('Activation', { activation: kerasActivation(activation) })];
    }
    case 'batchNormalization': {
      const p = node.params;
      return [
        draft(
          'BatchNormalization',
          {
            axis: p.axis,
            momentum: p.momentum,
            epsilon: p.epsilon,
            center: true,
            scale: true,
            beta_initializer: initializer('Zeros'),
            gamma_initializer: initializer('Ones'),
            moving_mean_initializer: initializer('Zeros'),
            moving_variance_initializer: initializer('Ones'),
            beta_regularizer: null,
            gamma_regularizer: null,
            beta_constraint: null,
            gamma_constraint: null,
            synchronized: false,
          },
          ['gamma', 'beta', 'movingMean', 'movingVariance'],
        ),
      ];
    }
    case 'layerNormalization':
      return [
        draft(
          'LayerNormalization',
          {
            axis: node.params.axis,
            epsilon: node.params.epsilon,
            center: true,
            scale: true,
            beta_initializer: initializer('Zeros'),
            gamma_initializer: initializer('Ones'),
            beta_regularizer: null,
            gamma_regularizer: null,
            beta_constraint: null,
            gamma_constraint: null,
          },
          ['gamma', 'beta'],
        ),
      ];
    case 'add':
      return [draft('Add', {})];
    case 'concatenate':
      return [draft('Concatenate', { axis: node.params.axis })];
  }
}

/** A symbolic tensor as Keras 3 serializes a call argument. */
function kerasTensor(from: string, shape: (number | null)[]): Json {
  return {
    class_name: '__keras_tensor__',
    config: { shape, dtype: 'float32', keras_history: [from, 0, 0] },
  };
}

/**
 * The order Keras gives `model.layers` for a graph of layers used once each
 * (keras/src/ops/function.py, map_graph): a depth-first walk from the output
 * numbers layers as first seen, inputs in call order; each layer's depth is
 * its longest path to the output; layers are listed deepest first, ties by
 * that number. `inputsOf` gives a layer's inputs in call order.
 */
export function kerasLayerOrder(output: string, inputsOf: (name: string) => readonly string[]): string[] {
  const index = new Map<string, number>();
  const postOrder: string[] = [];
  const done = new Set<string>();
  const visit = (name: string) => {
    if (done.has(name)) return;
    if (!index.has(name)) index.set(name, index.size);
    for (const input of inputsOf(name)) visit(input);
    done.add(name);
    postOrder.push(name);
  };
  visit(output);
  const depth = new Map<string, number>();
  for (const name of [...postOrder].reverse()) {
    const d = depth.get(name) ?? 0;
    depth.set(name, d);
    for (const input of inputsOf(name)) depth.set(input, Math.max(d + 1, depth.get(input) ?? 0));
  }
  return [...postOrder].sort((a, b) => depth.get(b)! - depth.get(a)! || index.get(a)! - index.get(b)!);
}

/** `network` as Keras 3's serialized Functional model named `name`. */
export function keras3Model(network: Network, name: string): Keras3Model {
  const drafts = new Map<string, Draft>();
  const tail: string[] = [];
  for (const node of network.nodes) {
    const inputs = node.inputs.map((i) => tail[i]);
    const shapes = inputs.map((input) => drafts.get(input)!.outputShape);
    const made = draftsOf(node, inputs, shapes);
    for (const d of made) drafts.set(d.layer.name, d);
    tail.push(made.at(-1)!.layer.name);
  }
  const input = network.nodes[network.inputIndex].id;
  const output = tail[network.outputIndex];
  const order = kerasLayerOrder(output, (layer) => drafts.get(layer)!.inputs);
  const layers = order.map((layerName) => {
    const d = drafts.get(layerName)!;
    const className = d.layer.className;
    const merge = className === 'Add' || className === 'Concatenate';
    const tensors = d.inputs.map((from, i) => kerasTensor(from, d.inputShapes[i]));
    const inbound = d.inputs.length ? [{ args: merge ? [tensors] : tensors, kwargs: {} }] : [];
    const serialized: Json = {
      module: 'keras.layers',
      class_name: className,
      config: d.config,
      registered_name: null,
      name: d.layer.name,
      inbound_nodes: inbound,
    };
    if (d.inputs.length) {
      serialized.build_config = { input_shape: merge ? d.inputShapes : d.inputShapes[0] };
    }
    return serialized;
  });
  const config: Json = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name,
      trainable: true,
      layers,
      input_layers: [input, 0, 0],
      output_layers: [output, 0, 0],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
  return { config, layers: order.map((layerName) => drafts.get(layerName)!.layer) };
}
