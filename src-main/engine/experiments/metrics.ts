/**
 * What the experiments read off one telemetry record: how the gradient
 * changes from the last layer to the first, and how many units are
 * saturated or dead. Pure functions of a StepRecord, shared by the runner
 * and the at-init test.
 */
import type { LayerTelemetry, StepRecord } from '../../../src-shared/telemetry';

/** Gradient ratios and unit statistics of one step. */
export interface GradientProfile {
  /**
   * Weight gradients: ‖∂L/∂W‖ of the first dense layer over that of the
   * output layer (what docs/domain.md's "first/last" ratio means).
   */
  weightRatio: number;
  /**
   * Back-propagated signal: ‖∂L/∂h‖ at the first dense layer's output over
   * that at the last dense layer's output (the quantity Glorot & Bengio and
   * He et al. analyse; weight gradients can hide its decay).
   */
  signalRatio: number;
  /**
   * signalRatio^(−1/(L−1)) over the L dense layers: by how much the
   * back-propagated gradient's norm shrinks per layer towards the input
   * (1 = flat, √3 = Glorot's standard-init tanh, √2 = Xavier with ReLU).
   */
  decayPerLayer: number;
  /** Mean over the saturating layers (sigmoid, tanh) of the saturated fraction; null if none. */
  saturated: number | null;
  /** Mean over the ReLU layers of the dead fraction; null if none. */
  dead: number | null;
}

/** The profile of a step record; throws if the network has no dense layer or no output. */
export function gradientProfile(record: StepRecord): GradientProfile {
  const dense = record.layers.filter((l) => l.type === 'dense');
  const output = record.layers.find((l) => l.type === 'output');
  if (dense.length === 0 || !output) throw new Error('gradientProfile needs dense layers and an output');
  const first = dense[0];
  const last = dense[dense.length - 1];
  const signalRatio = first.outGradNorm / last.outGradNorm;
  return {
    weightRatio: (first.gradNorm ?? NaN) / (output.gradNorm ?? NaN),
    signalRatio,
    decayPerLayer: dense.length > 1 ? Math.pow(signalRatio, -1 / (dense.length - 1)) : 1,
    saturated: meanOf(record.layers, (l) => l.saturatedFraction),
    dead: meanOf(record.layers, (l) => l.deadFraction),
  };
}

function meanOf(layers: LayerTelemetry[], pick: (l: LayerTelemetry) => number | null): number | null {
  const values = layers.map(pick).filter((v): v is number => v !== null);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** Geometric mean: the average of ratios that span orders of magnitude. */
export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}
