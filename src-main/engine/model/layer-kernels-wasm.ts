/**
 * The kernels of layer-kernels.wat over a WebAssembly memory (tfjs-wasm's heap, or a
 * test's), taking byte offsets: max pooling, its gradient, per-channel sums, a
 * dense layer's activation gradient, a plain SGD update, and a sum of squares.
 */
import { instantiateOnHeap } from '../backend/heap-module';
import { LAYER_KERNELS_WASM_BASE64 } from './layer-kernels-wasm.generated';

/** A pooling window's geometry over an NHWC tensor, by TensorFlow's rules (see windows.ts axisGeometry). */
export interface PoolGeometry {
  batch: number;
  height: number;
  width: number;
  channels: number;
  poolH: number;
  poolW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

export interface LayerKernels {
  /** out = the window maxima of x. */
  maxPool(x: number, out: number, g: PoolGeometry): void;
  /** dx = dy routed to each window's first maximal pixel of x. */
  maxPoolGrad(dy: number, x: number, dx: number, g: PoolGeometry): void;
  /** out[c] = Σ_r values[r, c]. */
  channelSums(values: number, out: number, rows: number, channels: number): void;
  /** out = dy · f′(y) over n values, f′ from the output y (see layer-kernels.wat). */
  activationGradient(
    dy: number,
    y: number,
    out: number,
    n: number,
    activation: OutputDerivative,
    alpha: number,
  ): void;
  /** step = g · (−lr), value = w + step over n values. */
  sgdStep(g: number, w: number, step: number, value: number, n: number, learningRate: number): void;
  /** Σ x² over n values, in float64. */
  sumSquares(values: number, n: number): number;
}

/** The activations whose derivative the kernel writes from the output. */
export type OutputDerivative = 'sigmoid' | 'relu' | 'leakyrelu' | 'elu';
const DERIVATIVE_KIND: Record<OutputDerivative, number> = { sigmoid: 0, relu: 1, leakyrelu: 2, elu: 3 };

type Geometry = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

const instances = new WeakMap<WebAssembly.Memory, LayerKernels | null>();

/** The kernels over `memory`, or undefined where this runtime cannot compile them. */
export function layerKernels(memory: WebAssembly.Memory): LayerKernels | undefined {
  let found = instances.get(memory);
  if (found === undefined) {
    found = instantiate(memory);
    instances.set(memory, found);
  }
  return found ?? undefined;
}

function instantiate(memory: WebAssembly.Memory): LayerKernels | null {
  const instance = instantiateOnHeap(LAYER_KERNELS_WASM_BASE64, memory);
  if (!instance) return null;
  const exports = instance.exports as {
    maxPool(x: number, out: number, ...g: Geometry): void;
    maxPoolGrad(dy: number, x: number, dx: number, ...g: Geometry): void;
    channelSums(values: number, out: number, rows: number, channels: number): void;
    activationGradient(
      dy: number,
      y: number,
      out: number,
      n: number,
      kind: number,
      alpha: number,
      oneMinusAlpha: number,
    ): void;
    sgdStep(g: number, w: number, step: number, value: number, n: number, negLr: number): void;
    sumSquares(values: number, n: number): number;
  };
  const flat = (g: PoolGeometry): Geometry => [
    g.batch,
    g.height,
    g.width,
    g.channels,
    g.poolH,
    g.poolW,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padLeft,
    g.outH,
    g.outW,
  ];
  return {
    maxPool: (x, out, g) => exports.maxPool(x, out, ...flat(g)),
    maxPoolGrad: (dy, x, dx, g) => exports.maxPoolGrad(dy, x, dx, ...flat(g)),
    channelSums: (values, out, rows, channels) => exports.channelSums(values, out, rows, channels),
    // 1 − α as the op chain has it: computed in float64, then made a float32 scalar.
    activationGradient: (dy, y, out, n, activation, alpha) =>
      exports.activationGradient(dy, y, out, n, DERIVATIVE_KIND[activation], alpha, Math.fround(1 - alpha)),
    // −lr as the op chain has it: a float32 scalar (the parameter's own rounding).
    sgdStep: (g, w, step, value, n, learningRate) => exports.sgdStep(g, w, step, value, n, -learningRate),
    sumSquares: (values, n) => exports.sumSquares(values, n),
  };
}
