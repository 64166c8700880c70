/**
 * The dense layer as a registered tfjs kernel, `BackflowDense`, with a
 * registered gradient. Compared with tf.customGrad this records one tape
 * entry without copying the saved tensors (customGrad adds four Identity ops
 * per call), and the gradient closures are lazy: tfjs computes ∂/∂x only when
 * something upstream needs it (not for the first layer). The kernel itself
 * delegates to the backend's own `_FusedMatMul` (product, bias, activation),
 * except on WASM, where gemm.wat's products (heap-products.ts) are faster
 * than XNNPACK's for a layer's fresh weights, forward and backward.
 */
import type { WasmHeapBackend } from '../backend/heap-module';
import { tf, type Tensor } from '../backend/tf';
import type { TensorInfo } from './heap-kernel';
import { matMulOnHeap, heapProductPays, productOnHeap } from './heap-products';
import { throwIfInterrupted } from './interrupt';
import {
  activationAndBiasGradientOnHeap,
  activationGradientOnHeap,
  channelSumsOnHeap,
} from './layer-kernels';
import { notifyObserver, observerId } from './observers';

export const DENSE_KERNEL = 'BackflowDense';

export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'elu' | 'leakyrelu';

type KernelFunc = NonNullable<ReturnType<typeof tf.getKernel>>['kernelFunc'];
type Backend = { disposeData(dataId: object): void };

const registered = new Set<string>();

/** Registers the kernel for the active backend (once). */
export function ensureDenseKernel(): void {
  const backendName = tf.getBackend();
  if (registered.has(backendName)) return;
  const kernel = (name: string): KernelFunc => {
    const found = tf.getKernel(name, backendName);
    if (!found) throw new Error(`backend ${backendName} has no ${name} kernel`);
    return found.kernelFunc;
  };
  const fused = kernel('_FusedMatMul');
  const reshape = kernel('Reshape');
  // The activations _FusedMatMul applies, as kernels of their own for gemm.wat's product (which fuses only a ReLU).
  const activationKernels: Partial<Record<FusedActivation, KernelFunc>> =
    backendName === 'wasm'
      ? { sigmoid: kernel('Sigmoid'), elu: kernel('Elu'), leakyrelu: kernel('LeakyRelu') }
      : {};
  tf.registerKernel({
    kernelName: DENSE_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, w, bias } = inputs as unknown as Record<string, TensorInfo>;
      const activation = attrs!.activation as FusedActivation;
      if (backendName === 'wasm' && heapProductPays(x.shape[0], x.shape[1], w.shape[1])) {
        const wasm = backend as unknown as WasmHeapBackend;
        const z = productOnHeap(wasm, x, w, bias, { relu: activation === 'relu' });
        const apply = activationKernels[activation];
        if (!apply) return z as never;
        const y = apply({
          inputs: { x: z } as never,
          backend,
          attrs: { alpha: attrs!.alpha },
        }) as unknown as TensorInfo;
        wasm.disposeData(z.dataId);
        return y as never;
      }
      const reshaped = (t: TensorInfo, shape: number[]) =>
        reshape({ inputs: { x: t } as never, backend, attrs: { shape } }) as unknown as TensorInfo;
      // The fused kernel multiplies batches of matrices: rank 3 in and out.
      const a = reshaped(x, [1, ...x.shape]);
      const b = reshaped(w, [1, ...w.shape]);
      const product = fused({
        inputs: (bias ? { a, b, bias } : { a, b }) as never,
        backend,
        attrs: {
          transposeA: false,
          transposeB: false,
          activation,
          leakyreluAlpha: attrs!.alpha,
        },
      }) as unknown as TensorInfo;
      const out = reshaped(product, [x.shape[0], w.shape[1]]);
      for (const t of [a, b, product]) (backend as unknown as Backend).disposeData(t.dataId);
      return out as never;
    },
  });
  registered.add(backendName);
}

/**
 * ∂loss/∂z from ∂loss/∂y for y = f(z): dy ⊙ f′, with f′ written from y. One
 * pass of layer-kernels.wat on WASM, the op chain elsewhere.
 */
export function throughActivation(dy: Tensor, y: Tensor, activation: FusedActivation, alpha: number): Tensor {
  if (activation === 'linear') return dy;
  return (
    activationGradientOnHeap(dy, y, activation, alpha) ??
    tf.mul(dy, derivativeFromOutput(activation, y, alpha)!)
  );
}

function derivativeFromOutput(activation: FusedActivation, y: Tensor, alpha: number): Tensor | undefined {
  switch (activation) {
    case 'linear':
      return undefined;
    case 'relu':
      return tf.step(y);
    case 'leakyrelu':
      // y > 0 exactly when z > 0 (alpha ≥ 0): f′ = alpha + (1 − alpha)·[y > 0].
      return tf.add(tf.mul(tf.step(y), 1 - alpha), alpha);
    case 'sigmoid':
      return tf.mul(y, tf.sub(1, y));
    case 'elu':
      // f′ = 1 for z > 0, e^z = y + 1 otherwise: min(y + 1, 1) covers both.
      return tf.minimum(tf.add(y, 1), 1);
  }
}

type Tensor2D = ReturnType<typeof tf.tensor2d>;

tf.registerGradient({
  kernelName: DENSE_KERNEL,
  inputsToSave: ['x', 'w'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, w, y] = saved as Tensor2D[];
    // Every dense layer's gradient passes here, telemetry or not: the backward pass's interruption point.
    throwIfInterrupted();
    const activation = attrs!.activation as FusedActivation;
    notifyObserver(attrs!.observer, dy as Tensor);
    const alpha = attrs!.alpha as number;
    // On WASM dz and the bias's gradient come from one dispatched op (one kernel fewer per layer).
    const both =
      activation === 'linear'
        ? undefined
        : activationAndBiasGradientOnHeap(dy as Tensor, y, activation, alpha);
    const dz = (both?.dz ?? throughActivation(dy as Tensor, y, activation, alpha)) as Tensor2D;
    return {
      x: () => matMulOnHeap(dz, w, { transposeB: true }) ?? tf.matMul(dz, tf.transpose(w)),
      w: () => matMulOnHeap(x, dz, { transposeA: true }) ?? tf.matMul(tf.transpose(x), dz),
      bias: () => both?.biasGrad ?? channelSumsOnHeap(dz) ?? tf.sum(dz, 0),
    };
  },
});

/** Runs the kernel: y = f(x·W + b). */
export function denseKernel(
  x: Tensor,
  w: Tensor,
  bias: Tensor | undefined,
  activation: FusedActivation,
  alpha: number,
  observe: ((dy: Tensor) => void) | undefined,
): Tensor {
  ensureDenseKernel();
  return tf.engine().runKernel(DENSE_KERNEL, (bias ? { x, w, bias } : { x, w }) as never, {
    activation,
    alpha,
    observer: observerId(observe),
  }) as Tensor;
}
