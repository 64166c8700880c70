/**
 * An identity op that hands the gradient flowing back through it to an
 * observer: the engine "taps" the output of each layer that does not report
 * its own output gradient (dense does, from inside its backward pass), to
 * see ∂loss/∂output without changing the computation. A registered kernel
 * (`BackflowTap`, forward = the backend's Reshape to the same shape, which
 * shares the data where Identity copies it on WASM: a whole layer output
 * copied per layer per step) with a registered gradient: tf.customGrad did the same with four extra
 * Identity ops and a closure per call.
 */
import { tf, type Tensor } from '../backend/tf';
import { throwIfInterrupted } from './interrupt';
import { kernelAlias } from './kernel-alias';
import { notifyObserver, observerId } from './observers';

export const TAP_KERNEL = 'BackflowTap';

const ensureTapKernel = kernelAlias(TAP_KERNEL, 'Reshape');

tf.registerGradient({
  kernelName: TAP_KERNEL,
  gradFunc: (dy, _saved, attrs) => {
    throwIfInterrupted();
    // dy is already summed over every consumer of the tapped value.
    notifyObserver(attrs!.observer, dy as Tensor);
    return { x: () => dy as Tensor };
  },
});

/** x, unchanged; `observe` receives ∂loss/∂x during the backward pass (and must keep what it stores). */
export function tap(x: Tensor, observe: (dy: Tensor) => void): Tensor {
  ensureTapKernel();
  return tf.engine().runKernel(
    TAP_KERNEL,
    { x } as never,
    {
      shape: x.shape,
      observer: observerId(observe),
    } as never,
  ) as Tensor;
}
