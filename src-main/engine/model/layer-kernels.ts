/**
 * The engine's own WASM kernels (layer-kernels.wat, run on the backend's heap)
 * registered with tfjs: max pooling and its gradient, a convolution's bias,
 * a layer's activation gradient, the per-channel sums of a bias gradient,
 * plain SGD's update of every weight, and the global gradient norm. Each
 * replaces an op chain: on W4 (a small CNN) the window max's transpose,
 * argMax, oneHot and multiply (tfjs-wasm's own MaxPoolGrad is wrong with more
 * than one channel or `same` padding) and the bias gradient's Sum, which
 * tfjs-wasm runs as a transpose and a sum; on MLPs, ops dispatched per layer
 * and per weight. Registered gradients save their inputs without the copies
 * tf.customGrad makes.
 */
import { heapMemory, type WasmHeapBackend } from '../backend/heap-module';
import { tf, type Tensor } from '../backend/tf';
import { heapOffset as offset, onHeap, type TensorInfo } from './heap-kernel';
import { kernelAlias } from './kernel-alias';
import {
  layerKernels,
  type LayerKernels,
  type OutputDerivative,
  type PoolGeometry,
} from './layer-kernels-wasm';
import { axisGeometry, type PoolOptions } from './windows';

const MAX_POOL = 'BackflowMaxPool';
const MAX_POOL_GRAD = 'BackflowMaxPoolGrad';
const BIAS_ADD = 'BackflowBiasAdd';
const CHANNEL_SUMS = 'BackflowChannelSums';
const ACTIVATION_GRAD = 'BackflowActivationGrad';
const SGD_STEP = 'BackflowSgdStep';
const SUM_SQUARES = 'BackflowSumSquares';

function kernelsOf(backend: WasmHeapBackend): LayerKernels {
  const memory = heapMemory(backend);
  const kernels = memory && layerKernels(memory);
  if (!kernels) throw new Error('layer kernels: this runtime cannot compile layer-kernels.wat');
  return kernels;
}

function geometry(shape: number[], attrs: Record<string, unknown>): PoolGeometry {
  const { poolSize, strides, padding } = attrs as unknown as PoolOptions;
  const [batch, height, width, channels] = shape;
  const rows = axisGeometry(height, poolSize[0], strides[0], padding);
  const cols = axisGeometry(width, poolSize[1], strides[1], padding);
  return {
    batch,
    height,
    width,
    channels,
    poolH: poolSize[0],
    poolW: poolSize[1],
    strideH: strides[0],
    strideW: strides[1],
    padTop: rows.before,
    padLeft: cols.before,
    outH: rows.out,
    outW: cols.out,
  };
}

const sizeOf = (shape: number[]) => tf.util.sizeFromShape(shape);

const ensureBiasAdd = kernelAlias(BIAS_ADD, 'Add');
let registered = false;

/** Registers the kernels on the wasm backend (once); false where layer-kernels.wat cannot run there. */
function ensureRegistered(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const memory = heapMemory(tf.backend() as unknown as WasmHeapBackend);
  if (!memory || !layerKernels(memory)) return false;
  ensureBiasAdd();
  if (registered) return true;
  onHeap(MAX_POOL, ({ x }, wasm, attrs) => {
    const g = geometry(x.shape, attrs);
    const out = wasm.makeOutput([g.batch, g.outH, g.outW, g.channels], 'float32');
    kernelsOf(wasm).maxPool(offset(wasm, x), offset(wasm, out), g);
    return out;
  });
  onHeap(MAX_POOL_GRAD, ({ dy, x }, wasm, attrs) => {
    const dx = wasm.makeOutput(x.shape, 'float32');
    const g = geometry(x.shape, attrs);
    kernelsOf(wasm).maxPoolGrad(offset(wasm, dy), offset(wasm, x), offset(wasm, dx), g);
    return dx;
  });
  onHeap(CHANNEL_SUMS, ({ x }, wasm) => {
    const channels = x.shape[x.shape.length - 1];
    const out = wasm.makeOutput([channels], 'float32');
    const rows = sizeOf(x.shape.slice(0, -1));
    kernelsOf(wasm).channelSums(offset(wasm, x), offset(wasm, out), rows, channels);
    return out;
  });
  // With `withSums`, also the per-channel sums of the result (a bias's gradient) as a second output.
  onHeap(ACTIVATION_GRAD, ({ dy, y }, wasm, attrs) => {
    const out = wasm.makeOutput(y.shape, 'float32');
    const channels = y.shape[y.shape.length - 1];
    const sums = attrs.withSums ? wasm.makeOutput([channels], 'float32') : undefined;
    const { activation, alpha } = attrs as { activation: OutputDerivative; alpha: number };
    const kernels = kernelsOf(wasm);
    const size = sizeOf(y.shape);
    kernels.activationGradient(offset(wasm, dy), offset(wasm, y), offset(wasm, out), size, activation, alpha);
    if (!sums) return out;
    kernels.channelSums(offset(wasm, out), offset(wasm, sums), size / channels, channels);
    return [out, sums];
  });
  // Inputs w0, g0, w1, g1, …; outputs every step, then every new value.
  onHeap(SGD_STEP, (inputs, wasm, attrs) => {
    const count = attrs.count as number;
    const pairs = Array.from({ length: count }, (_, i) => ({ w: inputs[`w${i}`], g: inputs[`g${i}`] }));
    const steps = pairs.map(({ w }) => wasm.makeOutput(w.shape, 'float32'));
    const values = pairs.map(({ w }) => wasm.makeOutput(w.shape, 'float32'));
    const kernels = kernelsOf(wasm);
    pairs.forEach(({ w, g }, i) => {
      const at = (t: TensorInfo) => offset(wasm, t);
      kernels.sgdStep(
        at(g),
        at(w),
        at(steps[i]),
        at(values[i]),
        sizeOf(w.shape),
        attrs.learningRate as number,
      );
    });
    return [...steps, ...values];
  });
  // Inputs t0, t1, …; a float32 scalar out.
  onHeap(SUM_SQUARES, (inputs, wasm) => {
    const out = wasm.makeOutput([], 'float32');
    const kernels = kernelsOf(wasm);
    let sum = 0;
    for (const t of Object.values(inputs)) sum += kernels.sumSquares(offset(wasm, t), sizeOf(t.shape));
    wasm.typedArrayFromHeap(out)[0] = sum;
    return out;
  });
  registered = true;
  return true;
}

/**
 * Σ x² over every value of every tensor, as a float32 scalar, summed in
 * float64 on WASM's heap: one dispatched op where the op chain reshapes each
 * tensor, concatenates them all and squares the copy (W3: 103 ops a step);
 * undefined where these kernels cannot run.
 */
export function sumOfSquaresOnHeap(tensors: readonly Tensor[]): Tensor | undefined {
  if (tensors.length === 0 || !ensureRegistered()) return undefined;
  const inputs: Record<string, Tensor> = {};
  tensors.forEach((t, i) => (inputs[`t${i}`] = t));
  return tf.engine().runKernel(SUM_SQUARES, inputs as never, {}) as Tensor;
}

/**
 * Plain SGD's step (g · (−lr)) and new value (w + step) of every weight in one
 * dispatched op on WASM's heap, where the op chain dispatches two per weight
 * (W3, 100 weights: 200 ops a step); undefined where these kernels cannot run.
 */
export function sgdStepsOnHeap(
  weights: readonly Tensor[],
  grads: readonly Tensor[],
  learningRate: number,
): { steps: Tensor[]; values: Tensor[] } | undefined {
  if (weights.length === 0 || !ensureRegistered()) return undefined;
  const inputs: Record<string, Tensor> = {};
  weights.forEach((w, i) => {
    inputs[`w${i}`] = w;
    inputs[`g${i}`] = grads[i];
  });
  const outputs = tf.engine().runKernel(
    SGD_STEP,
    inputs as never,
    {
      count: weights.length,
      learningRate,
    } as never,
  ) as unknown as Tensor[];
  return { steps: outputs.slice(0, weights.length), values: outputs.slice(weights.length) };
}

tf.registerGradient({
  kernelName: MAX_POOL,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as Tensor[];
    return {
      x: () => tf.engine().runKernel(MAX_POOL_GRAD, { dy: dy as Tensor, x } as never, attrs) as Tensor,
    };
  },
});

tf.registerGradient({
  kernelName: BIAS_ADD,
  gradFunc: (dy) => ({
    a: () => dy as Tensor,
    b: () => tf.engine().runKernel(CHANNEL_SUMS, { x: dy as Tensor } as never, {}) as Tensor,
  }),
});

/** True when the kernels here run on the active backend (wasm, with a runtime that compiles them). */
export function layerKernelsReady(): boolean {
  return ensureRegistered();
}

/** Σ over every axis but the last (a bias's gradient) on WASM's heap, or undefined where these kernels cannot run. */
export function channelSumsOnHeap(t: Tensor): Tensor | undefined {
  if (!ensureRegistered()) return undefined;
  return tf.engine().runKernel(CHANNEL_SUMS, { x: t } as never, {}) as Tensor;
}

/**
 * dy · f′ for a layer's output y = f(z), f′ written from y, on WASM's heap (one
 * pass instead of three or four ops), or undefined where these kernels cannot run.
 */
export function activationGradientOnHeap(
  dy: Tensor,
  y: Tensor,
  activation: OutputDerivative,
  alpha: number,
): Tensor | undefined {
  if (!ensureRegistered()) return undefined;
  return tf.engine().runKernel(ACTIVATION_GRAD, { dy, y } as never, { activation, alpha } as never) as Tensor;
}

/**
 * dy · f′ as {@link activationGradientOnHeap} and its per-channel sums (the
 * bias's gradient) in the same dispatched op, or undefined where these kernels
 * cannot run.
 */
export function activationAndBiasGradientOnHeap(
  dy: Tensor,
  y: Tensor,
  activation: OutputDerivative,
  alpha: number,
): { dz: Tensor; biasGrad: Tensor } | undefined {
  if (!ensureRegistered()) return undefined;
  const attrs = { activation, alpha, withSums: true };
  const [dz, biasGrad] = tf
    .engine()
    .runKernel(ACTIVATION_GRAD, { dy, y } as never, attrs as never) as Tensor[];
  return { dz, biasGrad };
}

/** Max pooling of NHWC `x` on WASM's heap, or undefined where these kernels cannot run. */
export function maxPoolOnHeap(x: Tensor, options: PoolOptions): Tensor | undefined {
  if (!ensureRegistered()) return undefined;
  return tf.engine().runKernel(MAX_POOL, { x } as never, { ...options } as never) as Tensor;
}

/** z + bias (one value per channel, the last axis) on WASM's heap, or undefined where these kernels cannot run. */
export function addBiasOnHeap(z: Tensor, bias: Tensor): Tensor | undefined {
  if (bias.rank !== 1 || bias.shape[0] !== z.shape[z.rank - 1] || !ensureRegistered()) return undefined;
  return tf.engine().runKernel(BIAS_ADD, { a: z, b: bias } as never, {}) as Tensor;
}
