/** Concatenate: joins inputs side by side along one axis. */
import { listShapes, expectMerge, MERGE_ARITY } from './add';
import { axisParam } from './batchNormalization';
import { defineLayer } from './types';
import type { Shape, ShapeResult } from './types';

/**
 * The 0-based index into a (batch-less) shape that a Keras `axis` names, or
 * undefined when it names the batch or a missing axis.
 */
function axisIndex(axis: number, rank: number): number | undefined {
  if (axis === -1) return rank - 1;
  return axis >= 1 && axis <= rank ? axis - 1 : undefined;
}

function concatShape(inputs: readonly Shape[], axis: number): ShapeResult {
  const rank = inputs[0].length;
  if (inputs.some((s) => s.length !== rank)) {
    return {
      ok: false,
      message: `inputs have shapes ${listShapes(inputs)} — they must have the same number of axes; insert a Flatten layer on the image inputs`,
    };
  }
  const index = axisIndex(axis, rank);
  if (index === undefined) {
    return {
      ok: false,
      message: `axis ${axis} does not exist for inputs with ${rank} ${rank === 1 ? 'axis' : 'axes'} (axis 0 is the batch) — use -1 or 1 to ${rank}`,
    };
  }
  const out = [...inputs[0]];
  for (const shape of inputs.slice(1)) {
    if (shape.some((d, i) => i !== index && d !== out[i])) {
      return {
        ok: false,
        message: `inputs have shapes ${listShapes(inputs)} — they may differ only on axis ${index + 1}, the one they are joined along; make the other sizes match`,
      };
    }
    out[index] += shape[index];
  }
  return { ok: true, shape: out };
}

/** Joins its inputs along `axis`, in input order (`in0` first); no weights. */
export const concatenateSpec = defineLayer({
  type: 'concatenate',
  label: 'Concatenate',
  category: 'merges',
  description:
    'Joins its inputs side by side along one axis (features, or channels for images); use it to combine branches while keeping all of their features.',
  inputs: { ...MERGE_ARITY },
  hasOutput: true,
  params: {
    axis: { ...axisParam, help: 'The axis to join along (-1 = last, counting the batch as axis 0).' },
  },
  inferShape: (inputs, params) => expectMerge(inputs) ?? concatShape(inputs, params.axis),
  weights: () => [],
  summary: (params) => `axis ${typeof params.axis === 'number' ? params.axis : -1}`,
});
