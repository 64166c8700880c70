/**
 * A dense layer as one fused kernel (matrix product, bias and — where the
 * backend can fuse it — the activation; see dense-kernel.ts) with a
 * hand-written backward pass.
 * Per-op dispatch, not arithmetic, dominates small networks on WASM (a 64×64
 * layer's product takes microseconds, each tfjs op tens of them), so the
 * forward pass is one op and the backward pass is the few a textbook writes:
 * dz = dy ⊙ f′ (from the output y), dx = dz·Wᵀ, dW = xᵀ·dz, db = Σ_batch dz.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import type { Tensor } from '../backend/tf';
import { applyActivation } from './activations';
import { denseKernel, type FusedActivation } from './dense-kernel';

/** Activations the fused kernels (_FusedMatMul, FusedConv2D) apply themselves. */
const FUSABLE: Partial<Record<Activation, FusedActivation>> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  elu: 'elu',
  leakyRelu: 'leakyrelu',
};

/** tfjs's name for `activation` where a fused kernel applies it itself, else undefined. */
export function fusedActivationName(activation: Activation): FusedActivation | undefined {
  return FUSABLE[activation];
}

/** True when {@link dense} applies `activation` inside its own op (so its observer sees ∂loss/∂output). */
export function fusesActivation(activation: Activation): boolean {
  return FUSABLE[activation] !== undefined;
}

/**
 * y = f(x·W + b) for x [batch, in], W [in, out], b [out] (or no bias).
 * `observe` receives ∂loss/∂y during the backward pass when the activation is
 * fused (see {@link fusesActivation}); otherwise the caller taps the output.
 */
export function dense(
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | undefined,
  activation: Activation,
  alpha: number,
  observe?: (dy: Tensor) => void,
): Tensor {
  const fusable = FUSABLE[activation];
  const z = denseKernel(x, kernel, bias, fusable ?? 'linear', alpha, fusable ? observe : undefined);
  return fusable ? z : applyActivation(activation, z, alpha);
}
