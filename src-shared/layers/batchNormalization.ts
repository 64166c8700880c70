/**
 * Batch normalization, and the `epsilon` / `axis` params and last-axis rule it
 * shares with layer normalization.
 */
import { formatShape } from '../graph/format';
import { expectOne } from './input';
import { defineLayer } from './types';
import type { IntParamSpec, NumberParamSpec, Shape, ShapeResult, WeightSpec } from './types';

/** The `epsilon` param: added to the variance so a constant feature does not divide by zero. */
export const epsilonParam: NumberParamSpec = {
  kind: 'number',
  label: 'Epsilon',
  help: 'Small number added to the variance before dividing, for numerical safety.',
  default: 0.001,
  min: 0,
  max: 1,
  exclusiveMin: true,
};

/**
 * The `axis` param, Keras-style: it counts the batch axis, so for a
 * `28×28×16` input the channels are axis 3, and -1 always means the last.
 */
export const axisParam: IntParamSpec = {
  kind: 'int',
  label: 'Axis',
  help: 'The feature axis (-1 = last, counting the batch as axis 0); only the last axis is supported.',
  default: -1,
  min: -1,
  max: 3,
};

/**
 * Checks that `axis` names the input's last axis. Other axes would mean
 * statistics over channels rather than per channel, which neither the engine
 * nor the gradient views model; refusing them beats training something else.
 */
export function expectLastAxis(inputs: readonly Shape[], axis: number): ShapeResult {
  const one = expectOne(inputs);
  if (!one.ok) return one;
  const last = one.shape.length;
  if (axis === -1 || axis === last) return one;
  const why = axis === 0 ? 'axis 0 is the batch' : `axis ${axis} is not the last axis`;
  return {
    ok: false,
    message: `normalizes the last axis only, and ${why} — set axis to -1 (or ${last} for a ${formatShape(one.shape)} input)`,
  };
}

/** Width of the normalized (last) axis: one gamma, beta, mean and variance per feature. */
export function featureCount(inputs: readonly Shape[]): number {
  const shape = inputs[0];
  return shape && shape.length ? shape[shape.length - 1] : 0;
}

/** A normalization's learned scale (gamma, from ones) and shift (beta, from zeros), one per feature. */
export function scaleAndShift(inputs: readonly Shape[]): WeightSpec[] {
  const shape = [featureCount(inputs)];
  return [
    { role: 'gamma', shape, init: { name: 'ones' }, trainable: true },
    { role: 'beta', shape: [...shape], init: { name: 'zeros' }, trainable: true },
  ];
}

/** Normalizes each feature over the batch, then scales and shifts it (gamma, beta). */
export const batchNormalizationSpec = defineLayer({
  type: 'batchNormalization',
  label: 'Batch normalization',
  category: 'normalization',
  description:
    'Rescales each feature to zero mean and unit variance over the batch, then learns a scale and shift; put it between a layer and its activation to keep signals out of saturation.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: {
    momentum: {
      kind: 'number',
      label: 'Momentum',
      help: 'How slowly the running mean and variance (used at inference) follow each batch.',
      default: 0.99,
      min: 0,
      max: 1,
    },
    epsilon: epsilonParam,
    axis: axisParam,
  },
  inferShape: (inputs, params) => expectLastAxis(inputs, params.axis),
  // gamma and beta are trained; the moving mean and variance (used at inference) are stored too.
  weights: (inputs) => [
    ...scaleAndShift(inputs),
    { role: 'movingMean', shape: [featureCount(inputs)], init: { name: 'zeros' }, trainable: false },
    { role: 'movingVariance', shape: [featureCount(inputs)], init: { name: 'ones' }, trainable: false },
  ],
  summary: (params) => `m=${typeof params.momentum === 'number' ? params.momentum : 0.99}`,
});
