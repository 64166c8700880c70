/**
 * Writing a network as ONNX (`model.onnx`, opset 17, IR version 8) with its
 * current weights, for Netron, ONNX Runtime and the deployment tools that
 * read ONNX.
 *
 * Layout: the graph's tensors are TensorFlow's, channels last ([batch, H, W,
 * C]); the input is NHWC like the TensorFlow.js model's. ONNX's Conv, MaxPool,
 * AveragePool and BatchNormalization take channels first, so each is wrapped
 * in a Transpose to NCHW and one back (ONNX Runtime's optimizer cancels the
 * adjacent pairs). Flatten, Reshape and Concat then see TensorFlow's order
 * and need no care.
 *
 * Outputs: `<output id>` is the prediction, the output layer's logits through
 * the activation its loss implies (Softmax for softmaxCrossEntropy, Sigmoid
 * for sigmoidCrossEntropy, none for meanSquaredError), and `<output id>/logits`
 * the logits themselves, which is what the TensorFlow.js export outputs.
 *
 * Nodes, tensors and initializers are named after design node ids
 * (`c1/kernel`, `c1/conv`, `c1`), the tensor named by the bare id being the
 * node's result.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { layerWeights } from '../../../src-shared/layers';
import type { Activation } from '../../../src-shared/layers/activations';
import type { LossName } from '../../../src-shared/layers/output';
import { pair } from '../../../src-shared/layers/params';
import { outputNode, snapshotWeights, type Network, type NetworkNode } from '../model/network';
import { encodeModel, type AttributeValue, type OnnxNode, type OnnxTensor } from './onnx-proto';
import { tfPadding } from './pytorch-layers';
import { writeAtomically } from './save-tfjs';

/** The file an ONNX export writes. */
export const ONNX_FILE = 'model.onnx';
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

/** The activation the ONNX model applies to the logits for each loss. */
export const ONNX_OUTPUT_ACTIVATION: Readonly<Record<LossName, 'Softmax' | 'Sigmoid' | 'Identity'>> = {
  softmaxCrossEntropy: 'Softmax',
  sigmoidCrossEntropy: 'Sigmoid',
  meanSquaredError: 'Identity',
};

/** What the export records in the model's metadata. */
export interface OnnxInfo {
  designName: string;
  seed: number;
  trained: boolean;
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** Collects nodes and initializers, keeping every name unique. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly taken = new Set<string>();

  /** `name`, or `name_2`, `name_3`… if something already has it. */
  unique(name: string): string {
    let result = name;
    for (let k = 2; this.taken.has(result); k++) result = `${name}_${k}`;
    this.taken.add(result);
    return result;
  }

  /** Adds one operator whose output tensor (and node) is named `name`; returns the tensor's name. */
  op(name: string, opType: string, inputs: string[], attributes?: Record<string, AttributeValue>): string {
    const output = this.unique(name);
    this.nodes.push({
      name: output,
      opType,
      inputs,
      outputs: [output],
      ...(attributes ? { attributes } : {}),
    });
    return output;
  }

  /** Adds an initializer; returns its name. */
  constant(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, data });
    return unique;
  }

  scalar(name: string, value: number): string {
    return this.constant(name, [], Float32Array.of(value));
  }
}

/** ONNX BatchNormalization's inputs after X, in its order. */
const BN_ORDER = ['gamma', 'beta', 'movingMean', 'movingVariance'] as const;

/**
 * The network as ONNX ModelProto bytes. Weights are listed by the layer
 * catalogue's `weights(...)` (role and shape) and read from the network's
 * variables; dense kernels stay [in, out] (Gemm without transB), conv
 * kernels go from TensorFlow's [kh, kw, in, out] to ONNX's [out, in, kh, kw].
 */
export function onnxModel(network: Network, info: OnnxInfo): Uint8Array {
  const g = new GraphBuilder();
  const values = snapshotWeights(network);
  const tensors: string[] = [];
  const inputNode = network.nodes[network.inputIndex];
  const out = outputNode(network);
  g.unique(inputNode.id);
  let logits = '';
  for (const node of network.nodes) {
    if (node.type === 'input') {
      tensors.push(node.id);
      continue;
    }
    const weights = new Map<string, string>();
    for (const spec of layerWeights(node, node.inputShapes, node.outputShape)) {
      const found = values.get(`${node.id}/${spec.role}`);
      const same =
        found && found.shape.length === spec.shape.length && found.shape.every((d, i) => d === spec.shape[i]);
      if (!found || !same)
        throw new Error(`node "${node.id}": no ${spec.role} of shape [${spec.shape.join(', ')}]`);
      const conv = spec.role === 'kernel' && spec.shape.length === 4;
      const [dims, data] = conv ? kernelToOihw(spec.shape, found.values) : [spec.shape, found.values];
      weights.set(spec.role, g.constant(`${node.id}/${spec.role}`, dims, data));
    }
    const inputs = node.inputs.map((i) => tensors[i]);
    if (node.type === 'output') {
      logits = g.op(`${node.id}/logits`, 'Gemm', [inputs[0], ...gemmWeights(weights)]);
      tensors.push(g.op(node.id, ONNX_OUTPUT_ACTIVATION[node.params.loss], [logits]));
    } else tensors.push(layerOps(g, node, inputs, weights));
  }
  const inShape = inputNode.outputShape;
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    producerName: 'Backflow',
    producerVersion: '1',
    docString: `${info.designName}: input NHWC (channels last, as TensorFlow); output "${out.id}" = ${ONNX_OUTPUT_ACTIVATION[out.params.loss]}(logits), "${logits}" = logits.`,
    metadata: {
      design: info.designName,
      seed: String(info.seed),
      trained: String(info.trained),
      loss: out.params.loss,
      layout: 'NHWC',
    },
    graph: {
      name: 'backflow',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: inputNode.id, dims: ['batch', ...inShape] }],
      outputs: [
        { name: tensors[network.outputIndex], dims: ['batch', ...out.outputShape] },
        { name: logits, dims: ['batch', ...out.outputShape] },
      ],
    },
  });
}

/** Gemm's B and optional C: the [in, out] kernel and the bias. */
function gemmWeights(weights: Map<string, string>): string[] {
  const bias = weights.get('bias');
  return [weights.get('kernel')!, ...(bias ? [bias] : [])];
}

/** The ops of one hidden node; returns the tensor holding its result, named by its id. */
function layerOps(
  g: GraphBuilder,
  node: NetworkNode,
  inputs: string[],
  weights: Map<string, string>,
): string {
  const id = node.id;
  const [x] = inputs;
  const inShape = node.inputShapes[0] ?? [];
  // The last op of a node is named by the bare id; `final` marks it.
  const channelsFirst = (op: (x: string) => string, final: boolean): string => {
    const y = op(g.op(`${id}/nchw`, 'Transpose', [x], { perm: TO_NCHW }));
    return g.op(final ? id : `${id}/nhwc`, 'Transpose', [y], { perm: TO_NHWC });
  };
  switch (node.type) {
    case 'input':
    case 'output':
      throw new Error(`node "${id}": ${node.type} is handled by the caller`);
    case 'dense': {
      const linear = node.params.activation === 'linear';
      const z = g.op(linear ? id : `${id}/gemm`, 'Gemm', [x, ...gemmWeights(weights)]);
      return activate(g, id, z, node.params.activation, node.params.alpha);
    }
    case 'conv2d': {
      const p = node.params;
      const kernel = pair(p.kernelSize);
      const strides = pair(p.strides);
      const [l, r, t, b] = tfPadding(inShape, kernel, strides, p.padding);
      const linear = p.activation === 'linear';
      const attributes = { kernel_shape: [...kernel], strides: [...strides], pads: [t, l, b, r] };
      const z = channelsFirst(
        (xc) => g.op(`${id}/conv`, 'Conv', [xc, ...gemmWeights(weights)], attributes),
        linear,
      );
      return activate(g, id, z, p.activation, p.alpha);
    }
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const p = node.params;
      const window = pair(p.poolSize);
      const strides = pair(p.strides);
      const [l, r, t, b] = tfPadding(inShape, window, strides, p.padding);
      const attributes: Record<string, AttributeValue> = {
        kernel_shape: [...window],
        strides: [...strides],
        pads: [t, l, b, r],
      };
      // MaxPool never picks a pad; AveragePool averages over real cells only (TensorFlow's `same`).
      if (node.type === 'averagePooling2d') attributes.count_include_pad = 0;
      const opType = node.type === 'maxPooling2d' ? 'MaxPool' : 'AveragePool';
      return channelsFirst((xc) => g.op(`${id}/pool`, opType, [xc], attributes), true);
    }
    case 'globalAveragePooling2d':
      return g.op(id, 'ReduceMean', [x], { axes: [1, 2], keepdims: 0 });
    case 'flatten':
      // Channels last, so the features come out in TensorFlow's order.
      return g.op(id, 'Flatten', [x], { axis: 1 });
    case 'reshape': {
      // 0 copies the batch size (Reshape's allowzero is 0).
      const target = [0, ...node.params.targetShape].map(BigInt);
      const shape = g.constant(`${id}/shape`, [target.length], BigInt64Array.from(target));
      return g.op(id, 'Reshape', [x, shape]);
    }
    case 'dropout':
      // Inference Dropout is the identity; the ratio keeps the design's rate for an import.
      return g.op(id, 'Dropout', [x, g.scalar(`${id}/ratio`, node.params.rate)]);
    case 'activation':
      if (node.params.activation === 'linear') return g.op(id, 'Identity', [x]);
      return activate(g, id, x, node.params.activation, node.params.alpha);
    case 'batchNormalization': {
      const rank = inShape.length + 1;
      const bnInputs = BN_ORDER.map((role) => weights.get(role)!);
      // momentum only matters when training; it keeps the design's value for an import.
      const attributes = {
        epsilon: { float: node.params.epsilon },
        momentum: { float: node.params.momentum },
      };
      if (rank === 2) return g.op(id, 'BatchNormalization', [x, ...bnInputs], attributes);
      // Channels (the last axis) to axis 1 and back.
      const middle = Array.from({ length: rank - 2 }, (_, i) => i + 1);
      const first = g.op(`${id}/nchw`, 'Transpose', [x], { perm: [0, rank - 1, ...middle] });
      const y = g.op(`${id}/bn`, 'BatchNormalization', [first, ...bnInputs], attributes);
      return g.op(id, 'Transpose', [y], { perm: [0, ...middle.map((m) => m + 1), 1] });
    }
    case 'layerNormalization':
      return g.op(id, 'LayerNormalization', [x, weights.get('gamma')!, weights.get('beta')!], {
        axis: -1,
        epsilon: { float: node.params.epsilon },
      });
    case 'add':
      return g.op(id, 'Sum', inputs);
    case 'concatenate':
      // Keras counts the batch as axis 0, as ONNX does; the layout is the same.
      return g.op(id, 'Concat', inputs, { axis: node.params.axis });
  }
}

/**
 * `activation` applied to tensor `z`; the result is named `id` (or `z`
 * itself for linear). tfjs's elu uses alpha 1 and its selu the standard
 * constants, ONNX's defaults. GELU is the exact erf form, as tfjs computes
 * it: opset 17 has no Gelu operator (it arrives in opset 20).
 */
function activate(g: GraphBuilder, id: string, z: string, activation: Activation, alpha: number): string {
  switch (activation) {
    case 'linear':
      return z;
    case 'sigmoid':
      return g.op(id, 'Sigmoid', [z]);
    case 'tanh':
      return g.op(id, 'Tanh', [z]);
    case 'relu':
      return g.op(id, 'Relu', [z]);
    case 'leakyRelu':
      return g.op(id, 'LeakyRelu', [z], { alpha: { float: alpha } });
    case 'elu':
      return g.op(id, 'Elu', [z], { alpha: { float: 1 } });
    case 'selu':
      return g.op(id, 'Selu', [z]);
    case 'softplus':
      return g.op(id, 'Softplus', [z]);
    case 'swish':
      return g.op(id, 'Mul', [z, g.op(`${id}/sigmoid`, 'Sigmoid', [z])]);
    case 'gelu': {
      // x · ½ · (1 + erf(x / √2))
      const scaled = g.op(`${id}/scaled`, 'Div', [z, g.scalar(`${id}/sqrt2`, Math.SQRT2)]);
      const erf = g.op(`${id}/erf`, 'Erf', [scaled]);
      const cdf = g.op(`${id}/cdf`, 'Mul', [
        g.op(`${id}/erf1`, 'Add', [erf, g.scalar(`${id}/one`, 1)]),
        g.scalar(`${id}/half`, 0.5),
      ]);
      return g.op(id, 'Mul', [z, cdf]);
    }
  }
}

/** A TensorFlow conv kernel [kh, kw, in, out] as ONNX's [out, in, kh, kw]. */
function kernelToOihw(shape: readonly number[], values: Float32Array): [number[], Float32Array] {
  const [kh, kw, cin, cout] = shape;
  const t = new Float32Array(values.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let c = 0; c < cin; c++)
        for (let o = 0; o < cout; o++)
          t[((o * cin + c) * kh + h) * kw + w] = values[((h * kw + w) * cin + c) * cout + o];
  return [[cout, cin, kh, kw], t];
}

/** Writes `model.onnx` into `dir` (created if missing); returns its path. */
export async function saveOnnxModel(network: Network, dir: string, info: OnnxInfo): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, ONNX_FILE);
  await writeAtomically(path, onnxModel(network, info));
  return [path];
}
