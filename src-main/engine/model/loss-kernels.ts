/**
 * The softmax cross-entropy, its gradient and the accuracy as one kernel each
 * on WASM's heap, where the op chains (loss.ts) dispatch about twenty tfjs ops
 * a step: logSoftmax's max, subtractions, exp, sum and log, the product with
 * the targets, the sum, negation and division; exp, subtraction and scaling
 * for the gradient; two argMax, an equality, a cast and a mean for the
 * accuracy. On a small MLP (W1, a step of about 1.3 ms and 110 kernels) each
 * dispatched op costs a few microseconds of tfjs's bookkeeping besides its
 * work, which here is a few hundred values.
 *
 * Each is the op chain's formula read literally, in float64 then rounded to
 * float32 (the chain rounds every intermediate to float32): the same NaN where
 * the chain gives one (a NaN or +∞ logit, and 0 · −∞ for a −∞ logit of a class
 * the row does not have), so a diverging run is still caught. The arithmetic
 * is a few operations per logit, in JavaScript over the heap's views.
 */
import { tf, type Tensor } from '../backend/tf';
import type { WasmHeapBackend } from '../backend/heap-module';
import { onHeap, type TensorInfo } from './heap-kernel';

const SOFTMAX_CROSS_ENTROPY = 'BackflowSoftmaxCrossEntropy';
const SOFTMAX_CROSS_ENTROPY_GRAD = 'BackflowSoftmaxCrossEntropyGrad';
const ACCURACY = 'BackflowAccuracy';

/** Row b's log-softmax: z − max − log Σ exp(z − max), over `classes` values from `at`. */
function logSoftmaxRow(z: Float32Array, at: number, classes: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, z[at + k]);
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += Math.exp(z[at + k] - max);
  const logSum = Math.log(sum);
  for (let k = 0; k < classes; k++) out[k] = z[at + k] - max - logSum;
}

/** The first index of the row's largest value (tfjs's argMax: a NaN is never larger). */
function argMaxRow(values: Float32Array, at: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (values[at + k] > values[at + best]) best = k;
  return best;
}

const heapView = (wasm: WasmHeapBackend, t: TensorInfo) => wasm.typedArrayFromHeap(t);

let registered = false;

function ensureRegistered(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (registered) return true;
  // mean_b(−Σ_k y_bk · log softmax(z_b)_k)
  onHeap(SOFTMAX_CROSS_ENTROPY, ({ z, y }, wasm) => {
    const [batch, classes] = z.shape;
    const out = wasm.makeOutput([], 'float32');
    const [zs, ys] = [heapView(wasm, z), heapView(wasm, y)];
    const logP = new Float64Array(classes);
    let total = 0;
    for (let b = 0; b < batch; b++) {
      logSoftmaxRow(zs, b * classes, classes, logP);
      for (let k = 0; k < classes; k++) total += ys[b * classes + k] * logP[k];
    }
    heapView(wasm, out)[0] = -total / batch;
    return out;
  });
  // ∂/∂z = (softmax(z) − y) · dy / B
  onHeap(SOFTMAX_CROSS_ENTROPY_GRAD, ({ z, y, dy }, wasm) => {
    const [batch, classes] = z.shape;
    const dz = wasm.makeOutput(z.shape, 'float32');
    const [zs, ys, out] = [heapView(wasm, z), heapView(wasm, y), heapView(wasm, dz)];
    const scale = heapView(wasm, dy)[0] / batch;
    const logP = new Float64Array(classes);
    for (let b = 0; b < batch; b++) {
      logSoftmaxRow(zs, b * classes, classes, logP);
      for (let k = 0; k < classes; k++)
        out[b * classes + k] = (Math.exp(logP[k]) - ys[b * classes + k]) * scale;
    }
    return dz;
  });
  // mean_b [argmax z_b = argmax y_b]
  onHeap(ACCURACY, ({ z, y }, wasm) => {
    const [batch, classes] = z.shape;
    const out = wasm.makeOutput([], 'float32');
    const [zs, ys] = [heapView(wasm, z), heapView(wasm, y)];
    let correct = 0;
    for (let b = 0; b < batch; b++)
      if (argMaxRow(zs, b * classes, classes) === argMaxRow(ys, b * classes, classes)) correct++;
    heapView(wasm, out)[0] = correct / batch;
    return out;
  });
  registered = true;
  return true;
}

tf.registerGradient({
  kernelName: SOFTMAX_CROSS_ENTROPY,
  inputsToSave: ['z', 'y'],
  gradFunc: (dy, saved) => {
    const [z, y] = saved as Tensor[];
    return {
      z: () =>
        tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { z, y, dy: dy as Tensor } as never, {}) as Tensor,
      y: () => tf.zerosLike(y),
    };
  },
});

const fits = (z: Tensor, y: Tensor) =>
  z.rank === 2 && z.dtype === 'float32' && y.dtype === 'float32' && tf.util.arraysEqual(z.shape, y.shape);

/** The batch-mean softmax cross-entropy of logits `z` [B, C] against one-hot `y` on WASM's heap, or undefined off it. */
export function softmaxCrossEntropyOnHeap(z: Tensor, y: Tensor): Tensor | undefined {
  if (!fits(z, y) || !ensureRegistered()) return undefined;
  return tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { z, y } as never, {}) as Tensor;
}

/** The fraction of rows of `z` [B, C > 1] whose largest value is where `y`'s is, on WASM's heap, or undefined off it. */
export function accuracyOnHeap(z: Tensor, y: Tensor): Tensor | undefined {
  if (!fits(z, y) || (z.shape[1] ?? 0) < 2 || !ensureRegistered()) return undefined;
  return tf.engine().runKernel(ACCURACY, { z, y } as never, {}) as Tensor;
}
