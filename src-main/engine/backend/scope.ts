/**
 * Helpers around tfjs's memory scopes and custom gradients with types that
 * fit how the engine uses them.
 */
import { tf, type Tensor, type Variable } from './tf';

/**
 * Runs `fn` in a tfjs scope and frees every tensor it created. Unlike
 * `tf.tidy`, the result may be any plain value: tidy walks its result looking
 * for tensors, which for a large Float32Array costs more than the step itself.
 * Variables assigned inside keep their new values.
 */
export function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

/** Gradient function of a two-input custom op: returns [∂/∂a, ∂/∂b]. */
export type BinaryGradient = (dy: Tensor, saved: Tensor[]) => [Tensor, Tensor];

/**
 * A two-input op with a hand-written gradient. `forward` returns the value
 * and the tensors its gradient needs.
 */
export function customBinaryOp(
  forward: (a: Tensor, b: Tensor) => { value: Tensor; save: Tensor[]; gradient: BinaryGradient },
): (a: Tensor, b: Tensor) => Tensor {
  const op = tf.customGrad(((a: Tensor, b: Tensor, save: (tensors: Tensor[]) => void) => {
    const result = forward(a, b);
    save(result.save);
    return {
      value: result.value,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => result.gradient(dy as Tensor, saved),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op as unknown as (a: Tensor, b: Tensor) => Tensor;
}

/**
 * A variable holding `initial`, which is then released: tf.variable shares
 * the data but keeps the initial tensor registered, and forgetting to dispose
 * it leaks one tensor per variable.
 */
export function variableFrom(initial: Tensor, trainable: boolean, name?: string): Variable {
  const variable = tf.variable(initial, trainable, name);
  initial.dispose();
  return variable;
}

/**
 * An op over any number of inputs with a hand-written gradient; `forward`
 * returns the value, the tensors its gradient needs, and the gradient
 * (one tensor per input, in order).
 */
export function customOp(
  forward: (...inputs: Tensor[]) => {
    value: Tensor;
    save: Tensor[];
    gradient: (dy: Tensor, saved: Tensor[]) => Tensor[];
  },
): (...inputs: Tensor[]) => Tensor {
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as (tensors: Tensor[]) => void;
    const result = forward(...(args as Tensor[]));
    save(result.save);
    return {
      value: result.value,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => result.gradient(dy as Tensor, saved),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op as unknown as (...inputs: Tensor[]) => Tensor;
}

/**
 * Frees what a gradient computation abandoned by an exception left behind.
 * tfjs keeps a clone of every tensor a gradient will need on its tape and
 * disposes those clones only at the end of a completed backward pass; its
 * scopes free everything else when the exception unwinds them. Does nothing
 * while a gradient computation is still open (or none was abandoned).
 */
export function discardAbandonedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth > 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const saved of node.saved ?? []) saved.dispose();
  // What a completed backward pass leaves, and what the next one starts from.
  state.activeTape = null as unknown as typeof state.activeTape;
}

const REF_COUNTED_BACKENDS = new Set(['cpu', 'wasm']);

/**
 * A second tensor on `t`'s data without running an op: what the Identity
 * kernel (tf.clone) does, minus a kernel dispatch, which with every-step
 * telemetry on a 50-layer network happens ~75 times a step. The backend's
 * reference count is raised as Identity raises it, so disposing either
 * tensor leaves the other's data intact.
 */
export function shareData(t: Tensor): Tensor {
  // Only where the backend's reference counting is known (tfjs-node's is its own).
  if (!REF_COUNTED_BACKENDS.has(tf.getBackend())) return tf.clone(t);
  const engine = tf.engine();
  engine.backend.incRef(t.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
}
