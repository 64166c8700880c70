/**
 * Every layer's statistics as one registered kernel, `BackflowLayerStats`,
 * for the backends whose tensors live in this process (cpu, and wasm's
 * heap): the kernel reduces the gradients, weights and outputs where the
 * backend keeps them and writes one tensor, the step's loss scalars first
 * when given, which is all the trainer reads back. On W3 (50 layers) the
 * op version dispatches ~300 tfjs ops per step; this is one.
 */
import { LAYER_STAT_STRIDE } from '../../../src-shared/telemetry';
import { tf, type Tensor } from '../backend/tf';
import { layerStatsInto, type LayerBuffers, type Saturation } from './stat-loops';
import { wasmLayerStats, type WasmLayerStats } from './stats-wasm';

export const STATS_KERNEL = 'BackflowLayerStats';

/** One layer of the plan: input indices (−1: absent) and what its activation calls for. */
export interface PlannedLayer {
  weightGrad: number;
  weight: number;
  weightStep: number;
  outputGrad: number;
  output: number;
  saturation?: Saturation;
  countDead: boolean;
}

type TensorInfo = { dataId: object; shape: number[]; dtype: string };

interface WasmBackend {
  wasm: { asm: { memory: WebAssembly.Memory }; _malloc(bytes: number): number };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}
interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** One kernel call: the layers, plain SGD's step factor (a scalar tensor or a number), and leading values. */
interface StatsCall {
  layers: LayerBuffers<TensorInfo>[];
  stepScale: TensorInfo | number;
  leading?: TensorInfo;
}

/** Reads the call's tensors in a backend's memory and writes the result tensor. */
type StatsKernel = (backend: unknown, call: StatsCall) => TensorInfo;

/** [leading…, rows…] when there are leading values, else [layers, LAYER_STAT_STRIDE]. */
function resultShape(call: StatsCall): number[] {
  const rows = call.layers.length * LAYER_STAT_STRIDE;
  return call.leading ? [sizeOf(call.leading.shape) + rows] : [call.layers.length, LAYER_STAT_STRIDE];
}

/** The JavaScript loops over each layer's float32 arrays. */
function fillWithLoops(
  out: Float32Array,
  layers: LayerBuffers<TensorInfo>[],
  values: (t: TensorInfo) => Float32Array,
  stepScale: number,
): void {
  const as = (t: TensorInfo | undefined) => (t ? values(t) : undefined);
  layers.forEach((layer, i) => {
    const buffers: LayerBuffers<Float32Array> = {
      ...layer,
      weightGrad: as(layer.weightGrad),
      weight: as(layer.weight),
      weightStep: as(layer.weightStep),
      outputGrad: as(layer.outputGrad),
      output: values(layer.output),
    };
    layerStatsInto(out.subarray(i * LAYER_STAT_STRIDE, (i + 1) * LAYER_STAT_STRIDE), buffers, stepScale);
  });
}

/** One WebAssembly call per layer, writing its row into the result on the heap. */
function fillWithWasm(
  wasm: WasmBackend,
  simd: WasmLayerStats,
  rows: number,
  layers: LayerBuffers<TensorInfo>[],
  stepScale: number,
): void {
  const offset = (t: TensorInfo | undefined) => (t ? wasm.dataIdMap.get(t.dataId).memoryOffset : 0);
  layers.forEach((layer, i) =>
    simd.write({
      row: rows + i * LAYER_STAT_STRIDE * Float32Array.BYTES_PER_ELEMENT,
      grad: offset(layer.weightGrad),
      gradSize: layer.weightGrad ? sizeOf(layer.weightGrad.shape) : 0,
      weight: offset(layer.weight),
      step: offset(layer.weightStep),
      stepScale,
      outGrad: offset(layer.outputGrad),
      outGradSize: layer.outputGrad ? sizeOf(layer.outputGrad.shape) : 0,
      output: offset(layer.output),
      outputSize: sizeOf(layer.output.shape),
      batch: layer.batch,
      saturation: layer.saturation,
      countDead: layer.countDead,
    }),
  );
}

const KERNELS: Record<string, StatsKernel> = {
  cpu: (backend, call) => {
    const cpu = backend as CpuBackend;
    const values = (t: TensorInfo) => {
      const found = cpu.data.get(t.dataId).values;
      if (!(found instanceof Float32Array)) throw new Error(`${STATS_KERNEL}: expected float32 values`);
      return found;
    };
    const shape = resultShape(call);
    const out = new Float32Array(sizeOf(shape));
    const lead = call.leading ? values(call.leading) : new Float32Array(0);
    out.set(lead);
    const scale = typeof call.stepScale === 'number' ? call.stepScale : values(call.stepScale)[0];
    fillWithLoops(out.subarray(lead.length), call.layers, values, scale);
    return cpu.makeTensorInfo(shape, 'float32', out);
  },
  wasm: (backend, call) => {
    const wasm = backend as WasmBackend;
    // Everything that may grow the heap (the first call allocates the histogram edges, then the
    // result) comes before any view is taken: growing the heap detaches views.
    const simd = simdFor(wasm);
    const result = wasm.makeOutput(resultShape(call), 'float32');
    const out = wasm.typedArrayFromHeap(result);
    const lead = call.leading ? wasm.typedArrayFromHeap(call.leading) : new Float32Array(0);
    out.set(lead);
    const scale =
      typeof call.stepScale === 'number' ? call.stepScale : wasm.typedArrayFromHeap(call.stepScale)[0];
    const rowsAt = wasm.dataIdMap.get(result.dataId).memoryOffset + lead.byteLength;
    if (simd) fillWithWasm(wasm, simd, rowsAt, call.layers, scale);
    else fillWithLoops(out.subarray(lead.length), call.layers, (t) => wasm.typedArrayFromHeap(t), scale);
    return result;
  },
};

function simdFor(wasm: WasmBackend): WasmLayerStats | undefined {
  return wasmLayerStats(wasm.wasm.asm.memory, (bytes) => wasm.wasm._malloc(bytes));
}

function sizeOf(shape: number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

const registered = new Set<string>();

// Kernel inputs are named; a network's 200-odd names are made once, not per step.
const INPUT_NAMES: string[] = [];
function inputName(index: number): string {
  for (let i = INPUT_NAMES.length; i <= index; i++) INPUT_NAMES.push(`t${i}`);
  return INPUT_NAMES[index];
}

/** How the active backend computes the statistics (reported by the bench, checked by a test). */
export function statsImplementation(): 'wasm-simd' | 'loops' | 'ops' {
  const backendName = tf.getBackend();
  if (!KERNELS[backendName]) return 'ops';
  if (backendName !== 'wasm') return 'loops';
  return simdFor(tf.backend() as unknown as WasmBackend) ? 'wasm-simd' : 'loops';
}

/** True when the active backend has (or now registers) the kernel. */
export function ensureStatsKernel(): boolean {
  const backendName = tf.getBackend();
  if (registered.has(backendName)) return true;
  const kernel = KERNELS[backendName];
  if (!kernel) return false;
  tf.registerKernel({
    kernelName: STATS_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const named = inputs as unknown as Record<string, TensorInfo>;
      for (const t of Object.values(named))
        if (t.dtype !== 'float32') throw new Error(`${STATS_KERNEL}: ${t.dtype} input, expected float32`);
      const at = (index: number) => (index < 0 ? undefined : named[inputName(index)]);
      // Plan indices are 0…n−1 (t0…); stepScale and leading come by name.
      const plan = attrs!.plan as unknown as PlannedLayer[];
      const layers = plan.map((layer): LayerBuffers<TensorInfo> => ({
        weightGrad: at(layer.weightGrad),
        weight: at(layer.weight),
        weightStep: at(layer.weightStep),
        outputGrad: at(layer.outputGrad),
        output: at(layer.output)!,
        batch: at(layer.output)!.shape[0],
        saturation: layer.saturation,
        countDead: layer.countDead,
      }));
      const stepScale = named.stepScale ?? (attrs!.stepScale as number);
      return kernel(backend, { layers, stepScale, leading: named.leading }) as never;
    },
  });
  registered.add(backendName);
  return true;
}

/**
 * Runs the kernel over `tensors` (indexed by the plan). `stepScale`: plain
 * SGD's factor (NaN: none); `leading`: values to put before the rows.
 */
export function runStatsKernel(
  tensors: readonly Tensor[],
  plan: PlannedLayer[],
  stepScale: Tensor | number,
  leading?: Tensor,
): Tensor {
  const inputs: Record<string, Tensor> = {};
  tensors.forEach((t, i) => (inputs[inputName(i)] = t));
  if (typeof stepScale !== 'number') inputs.stepScale = stepScale;
  if (leading) inputs.leading = leading;
  return tf.engine().runKernel(STATS_KERNEL, inputs as never, {
    plan: plan as never,
    stepScale: typeof stepScale === 'number' ? stepScale : NaN,
  }) as Tensor;
}
