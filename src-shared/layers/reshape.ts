/** Reshape: the same values in another shape, as Keras's Reshape. */
import { formatShape, shapeSize } from '../graph/format';
import { expectOne, shapeParam } from './input';
import { defineLayer } from './types';

/**
 * Gives its input the shape `targetShape` (without the batch axis), keeping
 * the values in order (row-major, channels last); the sizes must hold the
 * same number of values. No weights.
 */
export const reshapeSpec = defineLayer({
  type: 'reshape',
  label: 'Reshape',
  category: 'layers',
  description:
    'Rearranges the values of each example into another shape with the same number of values, such as 64 into 8×8×1; use it to turn a vector into an image or back.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: {
    targetShape: shapeParam(
      'Target shape',
      'The new shape without the batch axis, as Keras’s Reshape: [features], or [height, width, channels] for an image; it must hold as many values as the input.',
      [8, 8, 1],
    ),
  },
  inferShape(inputs, params) {
    const one = expectOne(inputs);
    if (!one.ok) return one;
    const have = shapeSize(one.shape);
    const want = shapeSize(params.targetShape);
    if (have === want) return { ok: true, shape: [...params.targetShape] };
    const plural = (n: number) => `${n} value${n === 1 ? '' : 's'}`;
    return {
      ok: false,
      message: `cannot reshape ${formatShape(one.shape)} (${plural(have)}) into ${formatShape(params.targetShape)} (${plural(want)}) — set targetShape to a shape of ${plural(have)}, such as [${have}]`,
    };
  },
  weights: () => [],
  summary: (params) => `→ ${formatShape(Array.isArray(params.targetShape) ? params.targetShape : [8, 8, 1])}`,
});
