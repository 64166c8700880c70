/**
 * The two-input add of a residual connection as a registered kernel,
 * `BackflowAdd` (forward = the backend's own Add), whose gradient also
 * reports ∂loss/∂output to an observer. tf.add's gradient reshapes dy once
 * per input, and observing it took a separate tap op; here the gradient
 * hands dy on unchanged, which is what an add of equal shapes needs.
 */
import { shareData } from '../backend/scope';
import { tf, type Tensor } from '../backend/tf';
import { throwIfInterrupted } from './interrupt';
import { kernelAlias } from './kernel-alias';
import { notifyObserver, observerId } from './observers';

export const ADD_KERNEL = 'BackflowAdd';

const ensureAddKernel = kernelAlias(ADD_KERNEL, 'Add');

tf.registerGradient({
  kernelName: ADD_KERNEL,
  gradFunc: (dy, _saved, attrs) => {
    throwIfInterrupted();
    notifyObserver(attrs!.observer, dy as Tensor);
    // Two tensor objects: tfjs disposes an input's gradient object when it
    // sums it with another, which must not take the other input's with it.
    return { a: () => dy as Tensor, b: () => shareData(dy as Tensor) };
  },
});

/** a + b for tensors of one shape; `observe` receives ∂loss/∂(a + b) in the backward pass. */
export function addSameShape(a: Tensor, b: Tensor, observe?: (dy: Tensor) => void): Tensor {
  if (a.shape.join() !== b.shape.join()) throw new Error(`add: shapes ${a.shape} and ${b.shape} differ`);
  ensureAddKernel();
  return tf.engine().runKernel(ADD_KERNEL, { a, b } as never, { observer: observerId(observe) }) as Tensor;
}
