/**
 * A dense layer as one fused kernel (matrix product, bias and — where the
 * backend can fuse it — the activation) with a hand-written backward pass.
 * Per-op dispatch, not arithmetic, dominates small networks on WASM (a 64×64
 * layer's product takes microseconds, each tfjs op tens of them), so the
 * forward pass is one op and the backward pass is the few a textbook writes:
 * dz = dy ⊙ f′ (from the output y), dx = dz·Wᵀ, dW = xᵀ·dz, db = Σ_batch dz.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { customOp } from '../backend/scope';
import { tf, type Tensor } from '../backend/tf';
import { applyActivation } from './activations';

type Tensor2D = ReturnType<typeof tf.tensor2d>;
type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'elu' | 'leakyrelu';

/** Activations the fused kernels apply, with f′ written in terms of the output y = f(z). */
const FUSABLE: Partial<Record<Activation, FusedActivation>> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  elu: 'elu',
  leakyRelu: 'leakyrelu',
};

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

function fusedDense(
  activation: FusedActivation,
  alpha: number,
  withBias: boolean,
  observe: ((dy: Tensor) => void) | undefined,
) {
  return customOp((...inputs) => {
    const [x, w, b] = inputs as [Tensor2D, Tensor2D, Tensor | undefined];
    // The kernel itself: tf.fused.matMul un-fuses whenever a gradient is being
    // recorded, which during training is always.
    // (The kernel multiplies batches of matrices: rank 3 in, rank 3 out.)
    const a = tf.reshape(x, [1, ...x.shape]);
    const b3 = tf.reshape(w, [1, ...w.shape]);
    const fused = tf.engine().runKernel('_FusedMatMul', withBias ? { a, b: b3, bias: b! } : { a, b: b3 }, {
      transposeA: false,
      transposeB: false,
      activation,
      leakyreluAlpha: alpha,
    }) as Tensor;
    const value = tf.reshape(fused, [x.shape[0], w.shape[1]]);
    return {
      value,
      save: [x, w, value],
      gradient: (dy, [xs, ws, y]) => {
        // dy is ∂loss/∂y, summed over y's consumers: telemetry's outGradNorm.
        observe?.(dy);
        const derivative = derivativeFromOutput(activation, y, alpha);
        const dz = (derivative ? tf.mul(dy, derivative) : dy) as Tensor2D;
        const grads = [
          tf.matMul(dz, tf.transpose(ws as Tensor2D)),
          tf.matMul(tf.transpose(xs as Tensor2D), dz),
        ];
        return withBias ? [...grads, tf.sum(dz, 0)] : grads;
      },
    };
  });
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
  const op = fusedDense(fusable ?? 'linear', alpha, bias !== undefined, fusable ? observe : undefined);
  const z = bias ? op(x, kernel, bias) : op(x, kernel);
  return fusable ? z : applyActivation(activation, z, alpha);
}
