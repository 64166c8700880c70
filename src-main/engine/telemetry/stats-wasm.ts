/**
 * The telemetry of a layer in SIMD WebAssembly (stats.wat), instantiated on
 * the memory of tfjs's own WASM backend so that it reads the tensors where
 * they are and writes the row straight into the result tensor: one call per
 * layer, four float32 lanes per instruction.
 */
import { HISTOGRAM_EDGES } from './stat-loops';
import { STATS_WASM_BASE64 } from './stats-wasm.generated';

/** One layer's inputs as byte offsets into the memory (0: absent) and sizes. */
export interface LayerOffsets {
  row: number;
  grad: number;
  gradSize: number;
  weight: number;
  step: number;
  /** The plain-SGD factor when there is no step (NaN: neither, no update ratio). */
  stepScale: number;
  outGrad: number;
  outGradSize: number;
  output: number;
  outputSize: number;
  batch: number;
  saturation?: { center: number; halfWidth: number };
  countDead: boolean;
}

export interface WasmLayerStats {
  write(layer: LayerOffsets): void;
}

type LayerStatsExport = (
  row: number,
  edges: number,
  grad: number,
  gradN: number,
  weight: number,
  step: number,
  stepScale: number,
  outGrad: number,
  outGradN: number,
  output: number,
  outputN: number,
  batch: number,
  saturation: number,
  center: number,
  halfWidth: number,
  countDead: number,
) => void;

/** The module per kind of memory it imports (null: this runtime cannot compile it). */
const compiled = new Map<'plain' | 'shared', WebAssembly.Module | null>();
const instances = new WeakMap<WebAssembly.Memory, WasmLayerStats | null>();

/**
 * The layer statistics over `memory`, or undefined where this runtime
 * cannot run them (no WebAssembly SIMD, or the shared memory of tfjs's
 * threaded build): the caller then uses the JavaScript loops. `allocate`
 * reserves 64 bytes of the memory for the histogram edges, once.
 */
export function wasmLayerStats(
  memory: WebAssembly.Memory,
  allocate: (bytes: number) => number,
): WasmLayerStats | undefined {
  let found = instances.get(memory);
  if (found === undefined) {
    found = instantiate(memory, allocate);
    instances.set(memory, found);
  }
  return found ?? undefined;
}

function instantiate(memory: WebAssembly.Memory, allocate: (bytes: number) => number): WasmLayerStats | null {
  const kind = memory.buffer instanceof SharedArrayBuffer ? 'shared' : 'plain';
  let layerStats: LayerStatsExport;
  try {
    let module = compiled.get(kind);
    if (module === undefined) {
      const bytes = Buffer.from(STATS_WASM_BASE64, 'base64');
      module = new WebAssembly.Module(kind === 'shared' ? importingSharedMemory(bytes) : bytes);
      compiled.set(kind, module);
    }
    if (module === null) return null;
    const instance = new WebAssembly.Instance(module, { tfjs: { memory } });
    layerStats = instance.exports.layerStats as LayerStatsExport;
  } catch {
    compiled.set(kind, null);
    return null;
  }
  const edges = allocate(HISTOGRAM_EDGES.byteLength);
  new Float32Array(memory.buffer, edges, HISTOGRAM_EDGES.length).set(HISTOGRAM_EDGES);
  return {
    write: (l) =>
      layerStats(
        l.row,
        edges,
        l.grad,
        l.gradSize,
        l.weight,
        l.step,
        l.stepScale,
        l.outGrad,
        l.outGradSize,
        l.output,
        l.outputSize,
        l.batch,
        l.saturation ? 1 : 0,
        l.saturation?.center ?? 0,
        l.saturation?.halfWidth ?? Infinity,
        l.countDead ? 1 : 0,
      ),
  };
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
    throw new Error('stats.wasm: unexpected import section');
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
