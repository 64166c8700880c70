/**
 * What the trainer hands the telemetry for each layer, whichever way the
 * statistics are then computed (stats-kernel.ts or stats-ops.ts).
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { SATURATION_THRESHOLD } from '../../../src-shared/layers/activations';
import type { Tensor } from '../backend/tf';
import type { FlowTerm } from './flow';

/** What the trainer observed at one layer during one step. */
export interface LayerObservation {
  /** Gradient of the measured weight (kernel, or gamma), when the layer has one. */
  weightGrad?: Tensor;
  /** That weight before this step, and the step the optimizer proposes for it. */
  weight?: Tensor;
  weightStep?: Tensor;
  /** Gradient with respect to the layer's output; absent when nothing downstream had one. */
  outputGrad?: Tensor;
  output: Tensor;
  /** The nonlinearity that produced `output`, for saturation and dead-unit statistics. */
  activation?: Activation;
}

export interface StatsOptions {
  /**
   * When every weight's step is this (scalar) factor times its gradient —
   * plain SGD, possibly clipped — the update ratio is derived from gradNorm
   * instead of another pass over every step.
   */
  stepIsScaledGradient?: Tensor | number;
  /**
   * Values to put first (the loss and friends), so that the caller reads
   * everything in one transfer: the result is then 1-D, these values
   * followed by the rows.
   */
  leading?: Tensor;
  /** Merge layers' gradient-flow norms, appended after the rows (which are then 1-D too). */
  flows?: readonly FlowTerm[];
}

/**
 * Saturation read from the output y = f(z), which every layer keeps anyway:
 * |z| > T exactly when |y − center| > halfWidth, with halfWidth = |f(T) − center|.
 */
export const SATURATED_OUTPUT = {
  sigmoid: { center: 0.5, halfWidth: 1 / (1 + Math.exp(-SATURATION_THRESHOLD.sigmoid)) - 0.5 },
  tanh: { center: 0, halfWidth: Math.tanh(SATURATION_THRESHOLD.tanh) },
} as const;
