/**
 * The telemetry of a layer in SIMD WebAssembly (stats.wat), instantiated on
 * the memory of tfjs's own WASM backend so that it reads the tensors where
 * they are and writes the row straight into the result tensor: one call per
 * layer, four float32 lanes per instruction.
 */
import { instantiateOnHeap } from '../backend/heap-module';
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
  const instance = instantiateOnHeap(STATS_WASM_BASE64, memory);
  if (!instance) return null;
  const layerStats = instance.exports.layerStats as LayerStatsExport;
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
