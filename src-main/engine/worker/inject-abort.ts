/**
 * Test support: a backend that breaks the way tfjs-backend-wasm does when it
 * runs out of memory, without needing 4 GB to make it happen. A genuine
 * WebAssembly trap ("memory access out of bounds", a `WebAssembly.RuntimeError`
 * from a real instance) is thrown from tfjs's kernel dispatch part-way through
 * a run, so everything between the kernel and the user — trainer, service,
 * worker, host, CLI — takes the path a real abort takes.
 */
import { tf } from '../backend/tf';

/** A run of a design with this name breaks the backend (inject-abort-bootstrap.mjs). */
export const ABORT_DESIGN_NAME = 'inject backend abort';

// (module (memory 1) (func (export "f") (result i32) (i32.load (i32.const 65536))))
const OUT_OF_BOUNDS_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01,
  0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x0b, 0x01, 0x09, 0x00,
  0x41, 0x80, 0x80, 0x04, 0x28, 0x02, 0x00, 0x0b,
]);

/** Throws the RuntimeError a WebAssembly instance throws when it reads past its memory. */
export function wasmTrap(): never {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(OUT_OF_BOUNDS_MODULE));
  (instance.exports.f as () => number)();
  throw new Error('the trap did not trap');
}

/**
 * Makes every tfjs kernel after the next `kernels` trap, as a broken wasm
 * heap does; returns the function that restores the backend.
 */
export function breakBackendAfter(kernels: number): () => void {
  const engine = tf.engine() as unknown as { runKernel: (...args: unknown[]) => unknown };
  const original = engine.runKernel;
  let left = kernels;
  engine.runKernel = function (this: unknown, ...args: unknown[]) {
    if (left-- <= 0) wasmTrap();
    return original.apply(this, args);
  };
  return () => void (engine.runKernel = original);
}
