/**
 * A kernel registered under a new name that runs a backend's existing one:
 * tfjs keys gradients by kernel name, so this is how an op gets a gradient
 * of the engine's own (telemetry taps, residual adds) while its forward
 * stays the backend's native kernel.
 */
import { tf } from '../backend/tf';

/** Returns `ensure()`: registers `name` → the active backend's `existing` kernel, once per backend. */
export function kernelAlias(name: string, existing: string): () => void {
  const registered = new Set<string>();
  return () => {
    const backendName = tf.getBackend();
    if (registered.has(backendName)) return;
    const kernel = tf.getKernel(existing, backendName);
    if (!kernel) throw new Error(`backend ${backendName} has no ${existing} kernel`);
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: kernel.kernelFunc });
    registered.add(backendName);
  };
}
