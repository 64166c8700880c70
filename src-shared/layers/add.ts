/** Add: the merge that makes residual (skip) connections. */
import { formatShape } from '../graph/format';
import { defineLayer } from './types';
import type { Shape, ShapeResult } from './types';

/** Merge layers take between 2 and 8 inputs: enough for any block, bounded for the editor. */
export const MERGE_ARITY = { min: 2, max: 8 } as const;

/** `64, 64 and 32`: every input shape, in input order, for merge messages. */
export function listShapes(inputs: readonly Shape[]): string {
  const names = inputs.map(formatShape);
  return names.length < 2
    ? names.join('')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The merge-arity guard for direct callers; the graph rules report arity first. */
export function expectMerge(inputs: readonly Shape[]): ShapeResult | undefined {
  if (inputs.length >= MERGE_ARITY.min && inputs.length <= MERGE_ARITY.max) return undefined;
  return {
    ok: false,
    message: `expects ${MERGE_ARITY.min} to ${MERGE_ARITY.max} inputs, has ${inputs.length}`,
  };
}

/** Element-wise sum of its inputs, which must all have the same shape; no weights. */
export const addSpec = defineLayer({
  type: 'add',
  label: 'Add',
  category: 'merges',
  description:
    'Adds its inputs element by element; use it for a residual (skip) connection, x + F(x), which gives the gradient a direct path back.',
  inputs: { ...MERGE_ARITY },
  hasOutput: true,
  params: {},
  inferShape(inputs) {
    const arity = expectMerge(inputs);
    if (arity) return arity;
    const first = inputs[0];
    if (inputs.every((s) => s.length === first.length && s.every((d, i) => d === first[i]))) {
      return { ok: true, shape: first };
    }
    const fix =
      first.length === 1
        ? 'change units or insert a dense layer'
        : 'change filters or strides, or insert a 1×1 conv2d on the skip path';
    return { ok: false, message: `inputs have shapes ${listShapes(inputs)} — they must match; ${fix}` };
  },
  weights: () => [],
  summary: () => '+',
});
