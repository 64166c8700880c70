/** Dropout: random zeroing during training only. */
import { expectOne } from './input';
import { defineLayer } from './types';

/** Zeroes a fraction `rate` of values while training; identity at inference. */
export const dropoutSpec = defineLayer({
  type: 'dropout',
  label: 'Dropout',
  category: 'layers',
  description:
    'While training, randomly sets a fraction of the values to zero (and scales up the rest); use it to reduce overfitting, not to fix vanishing gradients.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: {
    rate: {
      kind: 'number',
      label: 'Rate',
      help: 'Fraction of values dropped at each training step (0 keeps all).',
      default: 0.5,
      // Above 0.95 almost nothing gets through and the rescaling by 1/(1−rate) explodes.
      min: 0,
      max: 0.95,
    },
  },
  inferShape(inputs) {
    return expectOne(inputs);
  },
  weights: () => [],
  summary: (params) => `p=${typeof params.rate === 'number' ? params.rate : 0.5}`,
});
