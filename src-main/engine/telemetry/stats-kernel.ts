/**
 * Every layer's statistics as one registered kernel, `BackflowLayerStats`,
 * for the backends whose tensors live in this process (cpu, and wasm's
 * heap): the kernel reduces the gradients, weights and outputs where the
 * backend keeps them and writes one [layers × LAYER_STAT_STRIDE] tensor,
 * which the trainer reads back with the loss as before. On W3 (50 layers)
 * the op version dispatches ~300 tfjs ops per step; this is one.
 */
import { LAYER_STAT_STRIDE } from '../../../src-shared/telemetry';
import { tf, type Tensor } from '../backend/tf';
import { layerStatsInto, LOOPS, type LayerBuffers, type Reductions, type Saturation } from './stat-loops';
import { wasmReductions, type HeapSpan } from './stats-wasm';

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
  wasm: { asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}
interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** Reads one layer's tensors in a backend's memory and writes the result tensor. */
type StatsKernel = (
  backend: unknown,
  layers: LayerBuffers<TensorInfo>[],
  stepScale: TensorInfo | undefined,
) => TensorInfo;

/** Buffers of type B for each planned tensor, then the shared per-layer code. */
function fill<B>(
  out: Float32Array,
  layers: LayerBuffers<TensorInfo>[],
  buffer: (t: TensorInfo) => B,
  reduce: Reductions<B>,
  stepScale: number | undefined,
): void {
  const as = (t: TensorInfo | undefined) => (t ? buffer(t) : undefined);
  layers.forEach((layer, i) => {
    const buffers: LayerBuffers<B> = {
      ...layer,
      weightGrad: as(layer.weightGrad),
      weight: as(layer.weight),
      weightStep: as(layer.weightStep),
      outputGrad: as(layer.outputGrad),
      output: buffer(layer.output),
    };
    layerStatsInto(
      out.subarray(i * LAYER_STAT_STRIDE, (i + 1) * LAYER_STAT_STRIDE),
      buffers,
      reduce,
      stepScale,
    );
  });
}

const KERNELS: Record<string, StatsKernel> = {
  cpu: (backend, layers, stepScale) => {
    const cpu = backend as CpuBackend;
    const values = (t: TensorInfo) => {
      const found = cpu.data.get(t.dataId).values;
      if (!(found instanceof Float32Array)) throw new Error(`${STATS_KERNEL}: expected float32 values`);
      return found;
    };
    const out = new Float32Array(layers.length * LAYER_STAT_STRIDE);
    fill(out, layers, values, LOOPS, stepScale && values(stepScale)[0]);
    return cpu.makeTensorInfo([layers.length, LAYER_STAT_STRIDE], 'float32', out);
  },
  wasm: (backend, layers, stepScale) => {
    const wasm = backend as WasmBackend;
    // The output first: growing the heap would detach views taken before it.
    const result = wasm.makeOutput([layers.length, LAYER_STAT_STRIDE], 'float32');
    const out = wasm.typedArrayFromHeap(result);
    const view = (t: TensorInfo) => wasm.typedArrayFromHeap(t);
    const scale = stepScale && view(stepScale)[0];
    const simd = wasmReductions(wasm.wasm.asm.memory);
    if (simd) {
      const span = (t: TensorInfo): HeapSpan => ({
        offset: wasm.dataIdMap.get(t.dataId).memoryOffset,
        length: t.shape.reduce((a, b) => a * b, 1),
        view: () => view(t),
      });
      fill(out, layers, span, simd, scale);
    } else {
      fill(out, layers, view, LOOPS, scale);
    }
    return result;
  },
};

const registered = new Set<string>();

/** How the active backend computes the statistics (reported by the bench, checked by a test). */
export function statsImplementation(): 'wasm-simd' | 'loops' | 'ops' {
  const backendName = tf.getBackend();
  if (!KERNELS[backendName]) return 'ops';
  if (backendName !== 'wasm') return 'loops';
  return wasmReductions((tf.backend() as unknown as WasmBackend).wasm.asm.memory) ? 'wasm-simd' : 'loops';
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
      const at = (index: number) => (index < 0 ? undefined : named[`t${index}`]);
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
      return kernel(backend, layers, at(attrs!.stepScale as number)) as never;
    },
  });
  registered.add(backendName);
  return true;
}

/** Runs the kernel over `tensors` (indexed by the plan). */
export function runStatsKernel(tensors: readonly Tensor[], plan: PlannedLayer[], stepScale?: Tensor): Tensor {
  const inputs: Record<string, Tensor> = {};
  tensors.forEach((t, i) => (inputs[`t${i}`] = t));
  let stepScaleAt = -1;
  if (stepScale) {
    stepScaleAt = tensors.length;
    inputs[`t${stepScaleAt}`] = stepScale;
  }
  return tf.engine().runKernel(STATS_KERNEL, inputs as never, {
    plan: plan as never,
    stepScale: stepScaleAt,
  }) as Tensor;
}
