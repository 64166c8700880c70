/**
 * WebAssembly modules of the engine's own that run on tfjs-wasm's heap: each
 * imports the heap as `tfjs.memory` and reads and writes tensors where the
 * backend keeps them, so no tensor is copied in or out.
 */

type Kind = 'plain' | 'shared';

/** Compiled modules per source and kind of memory (null: this runtime cannot compile it). */
const compiled = new Map<string, Map<Kind, WebAssembly.Module | null>>();

/**
 * The module in `base64` compiled for `memory`, or undefined where this runtime
 * cannot compile it (no WebAssembly SIMD). A shared memory (the threaded build's
 * heap) gets the module with its import declared shared.
 */
export function compiledForHeap(base64: string, memory: WebAssembly.Memory): WebAssembly.Module | undefined {
  const kind: Kind = memory.buffer instanceof SharedArrayBuffer ? 'shared' : 'plain';
  let modules = compiled.get(base64);
  if (!modules) compiled.set(base64, (modules = new Map()));
  let module = modules.get(kind);
  if (module === undefined) {
    try {
      const bytes = Buffer.from(base64, 'base64');
      module = new WebAssembly.Module(kind === 'shared' ? importingSharedMemory(bytes) : bytes);
    } catch {
      module = null;
    }
    modules.set(kind, module);
  }
  return module ?? undefined;
}

/** An instance of the module in `base64` over `memory` (see {@link compiledForHeap}), or undefined. */
export function instantiateOnHeap(
  base64: string,
  memory: WebAssembly.Memory,
): WebAssembly.Instance | undefined {
  const module = compiledForHeap(base64, memory);
  if (!module) return undefined;
  try {
    return new WebAssembly.Instance(module, { tfjs: { memory } });
  } catch {
    return undefined;
  }
}

/**
 * The module with its memory import declared shared, for tfjs's threaded build (whose heap
 * is a shared memory, which a plain `(memory 0)` import refuses). The binary's one import,
 * `tfjs.memory` with limits `0x00 min=0`, gets limits `0x03 min=0 max=65536` (shared needs a
 * maximum; 65536 pages is wasm32's 4 GiB, tfjs's own maximum), and the import section's
 * size grows by the three bytes. Nothing else in the code depends on the memory's kind.
 */
export function importingSharedMemory(plain: Uint8Array): Uint8Array<ArrayBuffer> {
  const entry = [0x04, ...Buffer.from('tfjs'), 0x06, ...Buffer.from('memory'), 0x02, 0x00, 0x00];
  const at = indexOfBytes(plain, entry);
  // Section id 2 (imports), a one-byte size, one import, then the entry.
  if (at < 3 || plain[at - 3] !== 0x02 || plain[at - 1] !== 0x01 || plain[at - 2] > 0x7c)
    throw new Error('heap module: unexpected import section');
  const limits = at + entry.length - 2;
  const shared = [0x03, 0x00, 0x80, 0x80, 0x04];
  const out = new Uint8Array(plain.length + shared.length - 2);
  out.set(plain.subarray(0, limits));
  out.set(shared, limits);
  out.set(plain.subarray(limits + 2), limits + shared.length);
  out[at - 2] += shared.length - 2;
  return out;
}

function indexOfBytes(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** What the engine's heap modules use of tfjs-wasm's backend object. */
export interface WasmHeapBackend {
  // The single-threaded build exports its memory (asm.memory); the threaded build imports a
  // shared one, which Emscripten keeps as wasmMemory.
  wasm: {
    asm: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
    _malloc(bytes: number): number;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): { dataId: object; shape: number[]; dtype: string };
  disposeData(dataId: object): void;
  typedArrayFromHeap(t: { dataId: object; shape: number[]; dtype: string }): Float32Array;
}

/** The backend's heap, the memory its tensors live in. */
export function heapMemory(backend: WasmHeapBackend): WebAssembly.Memory | undefined {
  return backend.wasm.asm.memory ?? backend.wasm.wasmMemory;
}
