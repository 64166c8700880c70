/** Layer normalization: per-example statistics, so it works at any batch size. */
import { axisParam, epsilonParam, expectLastAxis, scaleAndShift } from './batchNormalization';
import { defineLayer } from './types';

/** Normalizes each example over its last axis, then scales and shifts it (gamma, beta). */
export const layerNormalizationSpec = defineLayer({
  type: 'layerNormalization',
  label: 'Layer normalization',
  category: 'normalization',
  description:
    'Rescales the features of each example to zero mean and unit variance, then learns a scale and shift; like batch normalization but independent of the batch, so it suits small batches.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: { epsilon: epsilonParam, axis: axisParam },
  inferShape: (inputs, params) => expectLastAxis(inputs, params.axis),
  weights: (inputs) => scaleAndShift(inputs),
  summary: (params) => `ε=${typeof params.epsilon === 'number' ? params.epsilon : 0.001}`,
});
