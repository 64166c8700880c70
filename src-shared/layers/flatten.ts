/** Flatten: the bridge from images to dense layers. */
import { expectOne } from './input';
import { defineLayer } from './types';

/** Reshapes any input to one long vector; no weights. */
export const flattenSpec = defineLayer({
  type: 'flatten',
  label: 'Flatten',
  category: 'layers',
  description:
    'Unrolls an image (height×width×channels) into one long list of numbers; put it between convolution/pooling layers and dense layers.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: {},
  inferShape(inputs) {
    const one = expectOne(inputs);
    return one.ok ? { ok: true, shape: [one.shape.reduce((a, b) => a * b, 1)] } : one;
  },
  weights: () => [],
  summary: () => '',
});
