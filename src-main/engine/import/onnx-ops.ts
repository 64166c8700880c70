/**
 * Helpers of the ONNX import (onnx-graph.ts): permutations, ids, errors that
 * name the node, padding and output sizes, activations, float
 * attributes, a matrix transpose, and the GELU pattern exporters write
 * without a Gelu operator (opset 17 has none).
 */
import { tfPadding } from '../export/pytorch-layers';
import { ImportError } from './keras-topology';
import type { OnnxModelValue, OnnxNodeValue, OnnxTensorValue } from './onnx-read';

/** A value of the ONNX graph: the Backflow layer that makes it, its shape (channels last) and the view. */
export interface Value {
  layer: string;
  shape: number[];
  /** ONNX axis i holds Backflow axis perm[i] (batch included). */
  perm: number[];
  /** A channels-first image flattened: [C, H, W], for the Gemm / MatMul that must take it. */
  flattenedChw?: [number, number, number];
  /** GlobalAveragePool's [N, C, 1, 1]: Backflow's [C] with two unit axes. */
  unitSpatial?: boolean;
}

/** The identity permutation of `rank` axes. */
export const identity = (rank: number) => Array.from({ length: rank }, (_, i) => i);
/** True when two integer lists are equal. */
export const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);
/** The channels-first view of a channels-last tensor of `rank`: [0, r−1, 1, …, r−2]. */
export const channelsFirst = (rank: number) => [0, rank - 1, ...identity(rank).slice(1, -1)];

/** A layer id from an ONNX name: the design's id characters only, unique. */
export function idMaker(): (name: string) => string {
  const taken = new Set<string>();
  return (name) => {
    let id = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
    id = (id || 'layer').slice(0, 60);
    let unique = id;
    for (let k = 2; taken.has(unique); k++) unique = `${id}_${k}`;
    taken.add(unique);
    return unique;
  };
}

/** A float32 attribute as the decimal it was written from (0.009999999776 → 0.01). */
export const f32 = (value: number) => Number(value.toPrecision(7));

/** A [rows, cols] matrix transposed. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/**
 * GELU as exported without a Gelu operator: x · (½ · (1 + erf(x / √2)))
 * (Backflow) or (x · (1 + erf(x / √2))) · ½ (PyTorch). Returns x and the inner nodes when `node` ends one.
 */
export function geluPattern(
  node: OnnxNodeValue,
  nodes: OnnxNodeValue[],
  constants: Map<string, OnnxTensorValue>,
): { input: string; inner: OnnxNodeValue[] } | undefined {
  if (node.opType !== 'Mul') return undefined;
  const by = (name: string) => nodes.find((n) => n.outputs[0] === name);
  const scalar = (name: string, value: number) => {
    const t = constants.get(name);
    const v = t?.floats?.[0] ?? t?.ints?.[0];
    return v !== undefined && Math.abs(v - value) < 1e-4;
  };
  const erfOf = (name: string): { x: string; nodes: OnnxNodeValue[] } | undefined => {
    const add = by(name);
    if (add?.opType !== 'Add') return undefined;
    const erfName = add.inputs.find((i) => !scalar(i, 1));
    if (!erfName || !add.inputs.some((i) => scalar(i, 1))) return undefined;
    const erf = by(erfName);
    const div = erf?.opType === 'Erf' ? by(erf.inputs[0]) : undefined;
    if (div?.opType !== 'Div' || !scalar(div.inputs[1], Math.SQRT2)) return undefined;
    return { x: div.inputs[0], nodes: [add, erf!, div] };
  };
  const [a, b] = node.inputs;
  // Backflow: Mul(x, Mul(Add(Erf(Div(x, √2)), 1), ½)).
  const half = by(b);
  if (half?.opType === 'Mul') {
    const inner = erfOf(half.inputs[0]);
    if (inner && inner.x === a && scalar(half.inputs[1], 0.5))
      return { input: a, inner: [half, ...inner.nodes] };
  }
  // PyTorch: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), ½).
  const product = by(a);
  if (product?.opType === 'Mul' && scalar(b, 0.5)) {
    const inner = erfOf(product.inputs[1]);
    if (inner && inner.x === product.inputs[0]) return { input: inner.x, inner: [product, ...inner.nodes] };
  }
  return undefined;
}

/** Throws the ImportError that names `node` by operator and name, and says why. */
export function failAt(node: OnnxNodeValue, why: string): never {
  throw new ImportError(`${node.opType} node '${node.name || node.outputs[0]}': ${why}`);
}

/** ONNX activation operators and the Backflow activation each is. */
export const ACTIVATIONS: Record<string, string> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Elu: 'elu',
  Selu: 'selu',
  Softplus: 'softplus',
};

/** What the import reads, for the message refusing anything else. */
export const SUPPORTED =
  'Gemm, MatMul (+ Add), Conv, MaxPool, AveragePool, GlobalAveragePool, ReduceMean, BatchNormalization, LayerNormalization, Add, Sum, Concat, Flatten, Reshape, Transpose, Dropout, Identity, Relu, LeakyRelu, Sigmoid, Tanh, Elu, Selu, Softplus, Softmax, swish and GELU';

/** A 2-D padding as Backflow names it: `valid` (none) or `same` (TensorFlow's); else an ImportError. */
export function padding(
  node: OnnxNodeValue,
  inShape: number[],
  kernel: number[],
  strides: number[],
): 'same' | 'valid' {
  const auto = node.attributes.get('auto_pad')?.s ?? 'NOTSET';
  if (auto === 'VALID') return 'valid';
  if (auto === 'SAME_UPPER') return 'same';
  if (auto !== 'NOTSET') failAt(node, `auto_pad ${auto} has no Backflow equivalent`);
  const pads = node.attributes.get('pads')?.ints ?? [0, 0, 0, 0];
  if (pads.every((p) => p === 0)) return 'valid';
  const [l, r, t, b] = tfPadding(inShape, kernel as [number, number], strides as [number, number], 'same');
  if (same(pads, [t, l, b, r])) return 'same';
  return failAt(
    node,
    `pads [${pads.join(', ')}] are neither none (valid) nor TensorFlow's same padding [${[t, l, b, r].join(', ')}]`,
  );
}

/** A convolution's or pooling's output size along one axis. */
export const outSize = (size: number, k: number, s: number, p: 'same' | 'valid') =>
  p === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;

/** Refuses a dense layer's input that is not a vector. */
export function requireFlat(node: OnnxNodeValue, x: Value): void {
  if (x.shape.length !== 1 || x.unitSpatial)
    failAt(
      node,
      `multiplies a tensor of shape [${x.shape.join(', ')}]; Backflow’s dense layers take vectors`,
    );
}

/** True when `name` is the model's output. */
export function isFinalOutput(model: OnnxModelValue, name: string): boolean {
  return model.outputs[0]?.name === name;
}

/** Refuses an operator on a value Backflow does not hold in the layout the operator means. */
export function requireLast(node: OnnxNodeValue, v: Value): void {
  if (!same(v.perm, identity(v.perm.length)) || v.flattenedChw || v.unitSpatial)
    failAt(node, 'works on a transposed tensor here, which Backflow has no layer for');
}

/** Refuses an image operator on anything but a channels-first image. */
export function requireChannelsFirstImage(node: OnnxNodeValue, v: Value): void {
  if (v.shape.length !== 3 || !same(v.perm, channelsFirst(4)))
    failAt(node, 'needs a channels-first image ([N, C, H, W])');
}
