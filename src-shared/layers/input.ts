/**
 * The input layer: where one example of the data set enters the network. Also
 * home of `expectOne`, the single-input guard every one-input layer uses.
 */
import { formatShape } from '../graph/format';
import { defineLayer } from './types';
import type { IntListParamSpec, Shape, ShapeResult } from './types';

/**
 * The one input shape of a single-input layer. The graph rules check arity
 * before inference; this guard keeps a direct caller from reading `inputs[0]`
 * of an empty list.
 */
export function expectOne(inputs: readonly Shape[]): ShapeResult {
  if (inputs.length !== 1) {
    return { ok: false, message: `expects 1 input, has ${inputs.length} — connect exactly one layer to it` };
  }
  return { ok: true, shape: inputs[0] };
}

/**
 * A shape param without the batch axis (input's `shape`, reshape's
 * `targetShape`): one to three sizes, each from 1 to 4096.
 */
export function shapeParam(label: string, help: string, defaultValue: number[]): IntListParamSpec<false> {
  return {
    kind: 'intList',
    label,
    help,
    default: defaultValue,
    minLength: 1,
    maxLength: 3,
    min: 1,
    max: 4096,
    scalarAllowed: false,
  };
}

/**
 * Declares the shape of one example. It takes no incoming connections; the
 * graph rules compare `shape` with the data set's own example shape.
 */
export const inputSpec = defineLayer({
  type: 'input',
  label: 'Input',
  category: 'inputs',
  description:
    'Feeds one example of the data set into the network; set its shape to match the data (2 for spiral points, 28×28×1 for MNIST images).',
  inputs: { min: 0, max: 0 },
  hasOutput: true,
  params: {
    shape: shapeParam(
      'Shape',
      'Size of one example: [features] for tables and points, [height, width, channels] for images.',
      [2],
    ),
  },
  inferShape(inputs, params) {
    if (inputs.length !== 0) {
      return {
        ok: false,
        message: `takes no inputs, has ${inputs.length} — delete its incoming connections`,
      };
    }
    return { ok: true, shape: [...params.shape] };
  },
  weights: () => [],
  summary: (params) => formatShape(Array.isArray(params.shape) ? params.shape : [2]),
});
