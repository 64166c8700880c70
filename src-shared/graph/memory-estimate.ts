/**
 * How much memory one training step of a design takes, before anything is
 * built: a design that passes the graph rules can still need more than the
 * compute backend can hold (a WebAssembly heap stops at 4 GiB), and a backend
 * that runs out aborts instead of failing politely. The engine refuses such a
 * design with the numbers and what to change; `validate` and the editor can
 * say the same before a run is asked for.
 *
 * The model counts what the engine holds at a step's peak, in float32:
 * - per weight: the weight, its gradient, the optimizer's slots, and the
 *   temporaries of the gradient norm and the update, which live until the
 *   step's scope ends (measured factors in {@link BYTES_PER_WEIGHT});
 * - per example of the batch: every layer's output, the gradient with respect
 *   to it and the layer's own temporaries (a factor of its output size), plus
 *   the copies that the convolution gradient and average pooling make;
 * - the epoch's evaluation, forward only, in batches of
 *   {@link EVALUATION_BATCH} rows;
 * - the data set, which lives outside the backend (plain arrays) but in the
 *   same process.
 * The factors were measured with `tf.profile` on the WebAssembly backend
 * (memory-estimate.test.ts in the engine keeps them honest), and the estimate
 * errs on the high side.
 */
import type { OptimizerName, TrainingSpec } from '../design/types';
import type { TypedLayer } from '../layers';
import type { GraphAnalysis } from './analyze';
import { shapeSize } from './format';

const FLOAT_BYTES = 4;

/**
 * Peak bytes per weight byte during a step, by optimizer: the weight (1), its
 * gradient, the flattened copy and square for the global norm, the proposed
 * step and new value (sgd: 7 in all), plus the slots and every temporary of
 * the update rule, which are freed only when the step ends (momentum +3,
 * rmsprop +9, adam +13). Measured on WebAssembly.
 */
export const BYTES_PER_WEIGHT: Readonly<Record<OptimizerName, number>> = {
  sgd: 7 * FLOAT_BYTES,
  momentum: 10 * FLOAT_BYTES,
  rmsprop: 16 * FLOAT_BYTES,
  adam: 20 * FLOAT_BYTES,
};

/**
 * Values held per output value of a layer during a training step with
 * telemetry: the output, the gradient with respect to it, the layer's
 * temporaries (pre-activation, mask, the tap telemetry reads) and their
 * gradients. Measured 7.0 for dense ReLU layers; 8 leaves room for the
 * layers with more temporaries (normalization, merges).
 */
const TRAINING_VALUES_PER_OUTPUT = 8;

/** Values held per output value in the forward-only evaluation pass (a convolution holds one more: its pre-activation). */
const EVALUATION_VALUES_PER_OUTPUT = 2;

/** Rows per forward pass of the epoch's evaluation (engine/train/evaluate.ts). */
export const EVALUATION_BATCH = 512;

/** The data a run trains on, as far as memory goes. */
export interface DataSize {
  /** Training rows (the batch size is capped by it). */
  trainRows: number;
  /** All rows, training and validation. */
  totalRows: number;
  /** Values per example (28×28×1 = 784 for MNIST). */
  exampleSize: number;
  /** Values per target row (classes or regression targets). */
  outputUnits: number;
}

/** What one training step of a design needs, in bytes. */
export interface MemoryEstimate {
  /** The batch size the run uses: the design's, capped by the training rows. */
  batchSize: number;
  /** The weights themselves (moving statistics included). */
  weightBytes: number;
  /** Weights, gradients, optimizer slots and update temporaries together. */
  perWeightBytes: number;
  /** Activations, their gradients and temporaries for one example of the batch. */
  perExampleBytes: number;
  /** The epoch's forward-only evaluation pass (beyond the weights). */
  evaluationBytes: number;
  /** The data set, held in the engine's process outside the backend. */
  dataBytes: number;
  /** What the compute backend holds at the step's peak. */
  backendBytes: number;
  /** `backendBytes` plus the data set: what the process needs. */
  totalBytes: number;
}

/** Where a run's memory comes from and how much of it a design may use. */
export interface MemoryBudget {
  /** Bytes a run may use. */
  bytes: number;
  /** What holds them, for messages: "the WebAssembly backend's heap". */
  holder: string;
  /** True when the budget is the process's memory (the data set counts too); false for a separate heap. */
  includesData: boolean;
}

/** The design's parts the estimate reads. */
export interface EstimateInput {
  training: Pick<TrainingSpec, 'optimizer' | 'batchSize' | 'clipNorm'>;
  analysis: Pick<GraphAnalysis, 'order' | 'shapes' | 'inputShapes' | 'layers' | 'totalParams'>;
  data: DataSize;
}

/** Estimates the memory of one training step of a design the graph rules accept. Pure. */
export function estimateTrainingMemory(input: EstimateInput): MemoryEstimate {
  const { training, analysis, data } = input;
  let trainingValues = 0;
  let evaluationValues = 0;
  for (const id of analysis.order) {
    const shape = analysis.shapes.get(id);
    if (!shape) continue;
    const out = shapeSize(shape);
    const layer = analysis.layers.get(id);
    const type = layer?.type;
    const input = shapeSize(analysis.inputShapes.get(id)?.[0] ?? []);
    const windows = layer ? poolingWindows(layer, input, out) : 0;
    trainingValues += out * TRAINING_VALUES_PER_OUTPUT + trainingExtra(type, input, out) + windows;
    evaluationValues += out * EVALUATION_VALUES_PER_OUTPUT + (type === 'conv2d' ? out : 0) + windows;
  }
  // The batch's features and targets, uploaded for the step.
  const rowValues = data.exampleSize + data.outputUnits;
  const batchSize = Math.max(1, Math.min(training.batchSize, data.trainRows));
  const evaluationRows = Math.min(EVALUATION_BATCH, data.totalRows);
  const clipping = (training.clipNorm ?? 0) > 0 ? FLOAT_BYTES : 0;
  const weightBytes = analysis.totalParams * FLOAT_BYTES;
  const perWeightBytes = analysis.totalParams * (BYTES_PER_WEIGHT[training.optimizer] + clipping);
  const perExampleBytes = (trainingValues + rowValues) * FLOAT_BYTES;
  const evaluationBytes = evaluationRows * (evaluationValues + rowValues) * FLOAT_BYTES;
  const backendBytes = Math.max(perWeightBytes + batchSize * perExampleBytes, weightBytes + evaluationBytes);
  const dataBytes = data.totalRows * rowValues * FLOAT_BYTES;
  return {
    batchSize,
    weightBytes,
    perWeightBytes,
    perExampleBytes,
    evaluationBytes,
    dataBytes,
    backendBytes,
    totalBytes: backendBytes + dataBytes,
  };
}

/**
 * Values beyond {@link TRAINING_VALUES_PER_OUTPUT} that a layer's backward
 * pass holds per example: a convolution's gradient transposes its input and
 * its output gradient (measured on a small CNN), and a
 * normalization keeps the centred, scaled and normalized values and their
 * gradients. A global average pooling's gradient is input-sized.
 */
function trainingExtra(type: string | undefined, input: number, out: number): number {
  if (type === 'conv2d') return 2 * input + 4 * out;
  if (type === 'batchNormalization' || type === 'layerNormalization') return 6 * out;
  // Its gradient spreads the output's over the whole input (the broadcast and the division).
  if (type === 'globalAveragePooling2d') return 2 * input;
  return 0;
}

/**
 * What pooling copies besides its output: max pooling reads its input in place
 * (the engine's own kernel on WebAssembly, the backend's elsewhere); average
 * pooling with `same` padding pads its input and rescales its output.
 */
function poolingWindows(layer: TypedLayer, input: number, out: number): number {
  if (layer.type !== 'averagePooling2d' || layer.params.padding !== 'same') return 0;
  return input + out;
}

/** The largest batch whose step fits `budget`; 0 when even one example does not. */
export function largestBatchThatFits(estimate: MemoryEstimate, budget: MemoryBudget): number {
  const fixed = estimate.perWeightBytes + (budget.includesData ? estimate.dataBytes : 0);
  const room = budget.bytes - fixed;
  if (room < estimate.perExampleBytes) return 0;
  return Math.floor(room / estimate.perExampleBytes);
}

/**
 * Why a design's step does not fit `budget`, with the numbers and what to
 * change, or undefined when it fits.
 */
export function memoryProblem(estimate: MemoryEstimate, budget: MemoryBudget): string | undefined {
  const needed = budget.includesData ? estimate.totalBytes : estimate.backendBytes;
  if (needed <= budget.bytes) return undefined;
  const fits = largestBatchThatFits(estimate, budget);
  const what = `one training step at batch ${estimate.batchSize} needs about ${formatBytes(needed)}`;
  const limit = `${budget.holder} has room for about ${formatBytes(budget.bytes)}`;
  if (fits >= 1 && fits < estimate.batchSize) {
    return `${what}, but ${limit}: at most batch ${fits} fits — lower the batch size (training.batchSize)`;
  }
  const weights = formatBytes(estimate.perWeightBytes);
  return `${what}, but ${limit}; the weights with their gradients and optimizer state alone need ${weights} — use fewer units or filters, pool before flattening, or sgd instead of adam`;
}

/** Bytes as the user reads them: `780 MB`, `5.2 GB` (decimal units, as disk and memory meters show). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${Math.round(bytes)} bytes`;
}
