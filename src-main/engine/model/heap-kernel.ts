/**
 * Registering the engine's own WASM kernels (layer-kernels.wat, gemm.wat) with
 * tfjs: each runs on the backend's heap, reading its inputs and writing its
 * outputs where tfjs-wasm keeps them.
 */
import type { WasmHeapBackend } from '../backend/heap-module';
import { tf } from '../backend/tf';

/** What tfjs hands a kernel for a tensor. */
export type TensorInfo = { dataId: object; shape: number[]; dtype: string };
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };

/** The byte offset of `t`'s values in the heap. */
export const heapOffset = (backend: WasmHeapBackend, t: TensorInfo): number =>
  backend.dataIdMap.get(t.dataId).memoryOffset;

/**
 * Registers `name` on wasm: `run` gets the float32 inputs, the backend and the
 * attributes, allocates its output with makeOutput before reading any offset
 * (allocating may grow the heap; offsets stay valid, views would not), and returns it.
 */
export function onHeap(
  name: string,
  run: (
    inputs: Record<string, TensorInfo>,
    wasm: WasmHeapBackend,
    attrs: Record<string, unknown>,
  ) => TensorInfo | TensorInfo[],
): void {
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }: KernelArgs) => {
      const named = inputs as Record<string, TensorInfo>;
      for (const t of Object.values(named))
        if (t.dtype !== 'float32') throw new Error(`${name}: ${t.dtype} input, expected float32`);
      return run(named, backend as WasmHeapBackend, attrs ?? {}) as never;
    },
  } as never);
}
