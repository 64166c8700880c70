/**
 * The telemetry record: what the engine measures at every layer, as written
 * to `--telemetry FILE.jsonl` and streamed to the UI. Field meanings are a
 * contract (docs/telemetry.md); the packed form is how a step crosses a
 * process boundary: one Float32Array, no nested number arrays.
 */
import type { LayerType } from './layers/types';

/** Scalar statistics per layer, in packed order. */
export const LAYER_STAT_FIELDS = [
  'gradNorm',
  'outGradNorm',
  'gradMeanAbs',
  'gradMaxAbs',
  'updateRatio',
  'activationMean',
  'activationStd',
  'saturatedFraction',
  'deadFraction',
] as const;

export type LayerStatField = (typeof LAYER_STAT_FIELDS)[number];

/** Bins of the gradient histogram: log10 |g| in unit-wide bins from this value. */
export const HISTOGRAM_LOG10_MIN = -12;
export const HISTOGRAM_BINS = 16;

/** Floats per layer in a packed step: the scalar stats, then the histogram counts. */
export const LAYER_STAT_STRIDE = LAYER_STAT_FIELDS.length + HISTOGRAM_BINS;

/**
 * One layer's statistics at one step; null where a statistic does not apply
 * (a pooling layer has no weights; a dense layer with a linear activation has
 * no saturation).
 */
export interface LayerTelemetry {
  /** The design node id. */
  id: string;
  type: LayerType;
  /**
   * L2 (Frobenius) norm of ∂(batch-mean loss)/∂kernel, before this step's
   * update; bias excluded. For batch and layer normalization: of ∂/∂gamma.
   */
  gradNorm: number | null;
  /** L2 norm of ∂(batch-mean loss)/∂(this layer's output tensor) over the batch. */
  outGradNorm: number;
  /** Mean of |∂loss/∂kernel| over the kernel's entries. */
  gradMeanAbs: number | null;
  /** Max of |∂loss/∂kernel|. */
  gradMaxAbs: number | null;
  /** ‖ΔW‖ / ‖W‖ of this step's kernel update. */
  updateRatio: number | null;
  /** Mean and standard deviation of the layer's output over the batch (all units). */
  activationMean: number;
  activationStd: number;
  /**
   * sigmoid / tanh: fraction of pre-activations with |z| so large that the
   * derivative is below 1 % of its maximum.
   */
  saturatedFraction: number | null;
  /** ReLU family: fraction of units whose pre-activation is ≤ 0 for every example of the batch. */
  deadFraction: number | null;
  /**
   * Counts of kernel-gradient entries per bin of log10 |g|: bin i holds
   * [10^(HISTOGRAM_LOG10_MIN + i), 10^(HISTOGRAM_LOG10_MIN + i + 1)), the first
   * bin also everything smaller (and zeros), the last everything larger.
   */
  gradHistogram: number[] | null;
  /**
   * Add and concatenate only, one per input (input order): the L2 norm of
   * the gradient that reaches the block input ({@link MergeInfo.fork})
   * through that input's path, the skip or a branch (docs/telemetry.md);
   * null when the paths mix (a branch layer feeds something outside it).
   */
  pathGradNorms?: (number | null)[];
  /**
   * Concatenate only, one per input: the L2 norm of that input's slice of
   * ∂loss/∂output, the gradient handed back along the input's edge. (An add
   * hands each input all of ∂loss/∂output: that is `outGradNorm`.)
   */
  inputGradNorms?: (number | null)[];
}

/** What every training step reports, whether or not it carried layer statistics. */
export interface StepScalars {
  step: number;
  epoch: number;
  loss: number;
  /** Training-batch accuracy; null for regression. */
  accuracy: number | null;
}

/** One telemetry line: a training step's loss and every layer's statistics. */
export interface StepRecord extends StepScalars {
  type: 'step';
  layers: LayerTelemetry[];
}

/**
 * A step as it crosses a process boundary: its scalars once, and on a
 * telemetry step every layer's statistics in one array.
 */
export interface PackedStep extends StepScalars {
  /** layers × LAYER_STAT_STRIDE floats, layers in network order, then the merge layers' flow norms ({@link flowLayout}); NaN encodes null; null without telemetry. */
  stats: Float32Array | null;
}

/** The evaluation at the end of an epoch: over the training split, and the validation split when held out. */
export interface EpochSummary {
  epoch: number;
  /** Steps taken so far. */
  step: number;
  loss: number;
  accuracy: number | null;
  validationLoss: number | null;
  validationAccuracy: number | null;
}

/** One telemetry line at the end of an epoch. */
export interface EpochRecord extends EpochSummary {
  type: 'epoch';
}

/** Where a merge's inputs come from: the block input where they split, and each input's source. */
export interface MergeInfo {
  /** The block input: the last node every path from the network input to the merge passes through. */
  fork: string;
  /** The source node of each input, in input order; an input whose source is `fork` is an identity (skip) path. */
  sources: string[];
}

/** The layers a packed step describes, in order. */
export interface LayerInfo {
  id: string;
  type: LayerType;
  /** Add and concatenate: where their inputs' paths split (see {@link LayerTelemetry.pathGradNorms}). */
  merge?: MergeInfo;
}

/**
 * Where each merge layer's gradient-flow norms sit in packed stats, after the
 * layers × LAYER_STAT_STRIDE rows: per add, one path norm per input; per
 * concatenate, one slice norm per input, then one path norm per input.
 */
export interface FlowSlot {
  /** Index of the layer in the packed layers. */
  layer: number;
  /** Offset of its first value in the packed stats. */
  offset: number;
  inputs: number;
  /** True for concatenate: slice norms come first. */
  slices: boolean;
}

/** The flow slots of `layers`, in order, and the total length of packed stats. */
export function flowLayout(layers: readonly LayerInfo[]): { slots: FlowSlot[]; length: number } {
  let offset = layers.length * LAYER_STAT_STRIDE;
  const slots: FlowSlot[] = [];
  layers.forEach((layer, i) => {
    if (!layer.merge) return;
    const inputs = layer.merge.sources.length;
    const slices = layer.type === 'concatenate';
    slots.push({ layer: i, offset, inputs, slices });
    offset += slices ? 2 * inputs : inputs;
  });
  return { slots, length: offset };
}

/**
 * Statistic `field` (an index into LAYER_STAT_FIELDS) of the `layer`-th layer
 * in packed stats; NaN where it does not apply. The one reader of the layout,
 * with {@link packedHistogram}.
 */
export function packedStat(stats: Float32Array, layer: number, field: number): number {
  return stats[layer * LAYER_STAT_STRIDE + field];
}

/** The `layer`-th layer's gradient histogram in packed stats (a view, HISTOGRAM_BINS counts). */
export function packedHistogram(stats: Float32Array, layer: number): Float32Array {
  const start = layer * LAYER_STAT_STRIDE + LAYER_STAT_FIELDS.length;
  return stats.subarray(start, start + HISTOGRAM_BINS);
}

/** Expands a telemetry step (one whose stats are present) into the JSON record. */
export function unpackStep(
  packed: PackedStep & { stats: Float32Array },
  layers: readonly LayerInfo[],
): StepRecord {
  const { stats } = packed;
  const { slots, length } = flowLayout(layers);
  // A step packed without the flow tail (an older engine, a stored run) just lacks the merge fields.
  const flows = stats.length >= length ? slots : [];
  const read = (from: number, n: number) =>
    Array.from(stats.subarray(from, from + n), (v) => (Number.isNaN(v) ? null : v));
  const record: StepRecord = {
    type: 'step',
    step: packed.step,
    epoch: packed.epoch,
    loss: packed.loss,
    accuracy: packed.accuracy,
    layers: layers.map((layer, i) => {
      const record = { id: layer.id, type: layer.type } as Record<string, unknown>;
      LAYER_STAT_FIELDS.forEach((field, k) => {
        const v = packedStat(stats, i, k);
        record[field] = Number.isNaN(v) ? null : v;
      });
      record.gradHistogram = record.gradNorm === null ? null : Array.from(packedHistogram(stats, i));
      return record as unknown as LayerTelemetry;
    }),
  };
  for (const slot of flows) {
    const layer = record.layers[slot.layer];
    if (slot.slices) {
      layer.inputGradNorms = read(slot.offset, slot.inputs);
      layer.pathGradNorms = read(slot.offset + slot.inputs, slot.inputs);
    } else {
      layer.pathGradNorms = read(slot.offset, slot.inputs);
    }
  }
  return record;
}

/** The JSON record of a step that carried telemetry, or null for one that did not. */
export function stepRecord(packed: PackedStep, layers: readonly LayerInfo[]): StepRecord | null {
  return packed.stats ? unpackStep({ ...packed, stats: packed.stats }, layers) : null;
}
