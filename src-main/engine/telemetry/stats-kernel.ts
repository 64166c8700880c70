/**
 * Every layer's statistics in one call over the backend's own memory, for
 * the backends whose tensors live in this process (cpu, and wasm's heap):
 * the gradients, weights and outputs are reduced where the backend keeps
 * them, and the result is one tensor of the backend, the step's loss
 * scalars first when given, which is all the trainer reads back. On W3 (50
 * layers) the op version dispatches ~300 tfjs ops per step; this is one
 * pass per tensor.
 *
 * Not a registered tfjs kernel (it was one): kernel inputs are named, and
 * naming, checking and looking up 230 inputs per step cost a third as much
 * as the arithmetic on W3. Nothing differentiates the statistics, so the
 * result only needs to join the current scope, which
 * makeTensorFromTensorInfo does as it does for every kernel's output.
 */
import { RELU_FAMILY, type Activation } from '../../../src-shared/layers/activations';
import { LAYER_STAT_STRIDE } from '../../../src-shared/telemetry';
import { heapMemory, type WasmHeapBackend } from '../backend/heap-module';
import { tf, type Tensor } from '../backend/tf';
import { flowNormFromValues, type FlowTerm } from './flow';
import { SATURATED_OUTPUT, type LayerObservation } from './observation';
import { layerStatsInto, type Saturation } from './stat-loops';
import { wasmLayerStats, type LayerOffsets, type WasmLayerStats } from './stats-wasm';

type TensorInfo = { dataId: object; shape: number[]; dtype: string };

type WasmBackend = WasmHeapBackend;
interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** What a layer's activation calls for, looked up once per activation rather than per step. */
interface ActivationNeeds {
  saturation?: Saturation;
  countDead: boolean;
}
const NEEDS = new Map<Activation | undefined, ActivationNeeds>();
function needsOf(activation: Activation | undefined): ActivationNeeds {
  let needs = NEEDS.get(activation);
  if (!needs) {
    const saturating = activation === 'sigmoid' || activation === 'tanh' ? activation : undefined;
    needs = {
      saturation: saturating && SATURATED_OUTPUT[saturating],
      countDead: activation !== undefined && RELU_FAMILY.includes(activation),
    };
    NEEDS.set(activation, needs);
  }
  return needs;
}

/** One call: the layers, plain SGD's step factor (a scalar tensor or a number; NaN: none), leading values. */
interface StatsCall {
  layers: readonly LayerObservation[];
  stepScale: Tensor | number;
  leading?: Tensor;
  flows?: readonly FlowTerm[];
}

/** Reads the call's tensors in a backend's memory and writes the result tensor. */
type StatsKernel = (backend: unknown, call: StatsCall) => TensorInfo;

/** [leading…, rows…, flows…] when there are leading values or flows, else [layers, LAYER_STAT_STRIDE]. */
function resultShape(call: StatsCall): number[] {
  const rows = call.layers.length * LAYER_STAT_STRIDE;
  const flows = call.flows?.length ?? 0;
  return call.leading || flows > 0
    ? [(call.leading?.size ?? 0) + rows + flows]
    : [call.layers.length, LAYER_STAT_STRIDE];
}

/** Writes the flow norms at the end of `out`. */
function fillFlows(
  out: Float32Array,
  flows: readonly FlowTerm[] | undefined,
  values: (t: Tensor) => Float32Array,
) {
  if (!flows) return;
  const start = out.length - flows.length;
  flows.forEach((term, i) => (out[start + i] = flowNormFromValues(term, values)));
}

function checkFloat32(t: Tensor): void {
  if (t.dtype !== 'float32') throw new Error(`layer statistics: ${t.dtype} tensor, expected float32`);
}

/** The JavaScript loops over each layer's float32 arrays. */
function fillWithLoops(
  out: Float32Array,
  layers: readonly LayerObservation[],
  values: (t: Tensor) => Float32Array,
  stepScale: number,
): void {
  const as = (t: Tensor | undefined) => (t ? values(t) : undefined);
  layers.forEach((layer, i) => {
    const needs = needsOf(layer.activation);
    layerStatsInto(
      out.subarray(i * LAYER_STAT_STRIDE, (i + 1) * LAYER_STAT_STRIDE),
      {
        weightGrad: as(layer.weightGrad),
        weight: as(layer.weight),
        weightStep: Number.isNaN(stepScale) ? as(layer.weightStep) : undefined,
        outputGrad: as(layer.outputGrad),
        output: values(layer.output),
        batch: layer.output.shape[0],
        saturation: needs.saturation,
        countDead: needs.countDead,
      },
      stepScale,
    );
  });
}

/** One WebAssembly call per layer, writing its row into the result on the heap. */
function fillWithWasm(
  wasm: WasmBackend,
  simd: WasmLayerStats,
  rows: number,
  layers: readonly LayerObservation[],
  stepScale: number,
): void {
  const offset = (t: Tensor | undefined) => {
    if (!t) return 0;
    checkFloat32(t);
    return wasm.dataIdMap.get(t.dataId).memoryOffset;
  };
  // One object reused for every layer: this runs for every layer of every step.
  const at: LayerOffsets = { ...NO_OFFSETS };
  const stepGiven = Number.isNaN(stepScale);
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const needs = needsOf(layer.activation);
    at.row = rows + i * LAYER_STAT_STRIDE * Float32Array.BYTES_PER_ELEMENT;
    at.grad = offset(layer.weightGrad);
    at.gradSize = layer.weightGrad ? layer.weightGrad.size : 0;
    at.weight = offset(layer.weight);
    at.step = stepGiven ? offset(layer.weightStep) : 0;
    at.stepScale = stepScale;
    at.outGrad = offset(layer.outputGrad);
    at.outGradSize = layer.outputGrad ? layer.outputGrad.size : 0;
    at.output = offset(layer.output);
    at.outputSize = layer.output.size;
    at.batch = layer.output.shape[0];
    at.saturation = needs.saturation;
    at.countDead = needs.countDead;
    simd.write(at);
  }
}

const NO_OFFSETS: LayerOffsets = {
  row: 0,
  grad: 0,
  gradSize: 0,
  weight: 0,
  step: 0,
  stepScale: NaN,
  outGrad: 0,
  outGradSize: 0,
  output: 0,
  outputSize: 0,
  batch: 1,
  saturation: undefined,
  countDead: false,
};

const KERNELS: Record<string, StatsKernel> = {
  cpu: (backend, call) => {
    const cpu = backend as CpuBackend;
    const values = (t: Tensor) => {
      checkFloat32(t);
      const found = cpu.data.get(t.dataId).values;
      if (!(found instanceof Float32Array)) throw new Error('layer statistics: expected float32 values');
      return found;
    };
    const shape = resultShape(call);
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const lead = call.leading ? values(call.leading) : new Float32Array(0);
    out.set(lead);
    const scale = typeof call.stepScale === 'number' ? call.stepScale : values(call.stepScale)[0];
    fillWithLoops(out.subarray(lead.length), call.layers, values, scale);
    fillFlows(out, call.flows, values);
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
    // Fresh views: nothing above should grow the heap, but a detached view would fail silently.
    fillFlows(wasm.typedArrayFromHeap(result), call.flows, (t) => {
      checkFloat32(t);
      return wasm.typedArrayFromHeap(t);
    });
    return result;
  },
};

function simdFor(wasm: WasmBackend): WasmLayerStats | undefined {
  const memory = heapMemory(wasm);
  return memory ? wasmLayerStats(memory, (bytes) => wasm.wasm._malloc(bytes)) : undefined;
}

/** How the active backend computes the statistics (reported by the bench, checked by a test). */
export function statsImplementation(): 'wasm-simd' | 'loops' | 'ops' {
  const backendName = tf.getBackend();
  if (!KERNELS[backendName]) return 'ops';
  if (backendName !== 'wasm') return 'loops';
  return simdFor(tf.backend() as unknown as WasmBackend) ? 'wasm-simd' : 'loops';
}

/** True when the active backend's memory can be read here (cpu, wasm). */
export function hasStatsKernel(): boolean {
  return KERNELS[tf.getBackend()] !== undefined;
}

/**
 * The statistics of `layers`, as a tensor of the active backend in the
 * current scope. `stepScale`: plain SGD's factor (NaN: use each layer's
 * weightStep); `leading`: values to put before the rows; `flows`: merge
 * layers' flow norms to put after them. Call only when
 * hasStatsKernel().
 */
export function runStatsKernel(
  layers: readonly LayerObservation[],
  stepScale: Tensor | number,
  leading?: Tensor,
  flows?: readonly FlowTerm[],
): Tensor {
  const kernel = KERNELS[tf.getBackend()];
  if (typeof stepScale !== 'number') checkFloat32(stepScale);
  if (leading) checkFloat32(leading);
  const info = kernel(tf.backend(), { layers, stepScale, leading, flows });
  return tf.engine().makeTensorFromTensorInfo(info as never);
}
