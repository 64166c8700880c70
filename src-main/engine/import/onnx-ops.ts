/**
 * Helpers of the ONNX import (onnx-graph.ts): permutations, ids, float
 * attributes, a matrix transpose, and the GELU pattern exporters write
 * without a Gelu operator (opset 17 has none).
 */
import type { OnnxNodeValue, OnnxTensorValue } from './onnx-read';

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
