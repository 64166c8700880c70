/**
 * Pretrained weights that arrived as bytes (with a train or export request),
 * decoded and checked against the design before anything is built from them.
 */
import type { EngineError } from '../../../src-shared/protocol';
import type { Design } from '../../../src-shared/design/types';
import type { GraphAnalysis } from '../../../src-shared/graph';
import { decodeWeightValues } from '../import';
import type { WeightValues } from '../model/network';
import { fitPretrained, type PretrainedFit } from '../pretrained/fit';

/**
 * The weights in `bytes` that fit `design`, with notes on those that start
 * from the seed instead; a `weights` error when none fits or they cannot be read.
 */
export function pretrainedFromBytes(
  bytes: Uint8Array,
  design: Design,
  analysis: GraphAnalysis,
): { ok: true; value: PretrainedFit } | { ok: false; error: EngineError } {
  let weights: WeightValues;
  try {
    weights = decodeWeightValues(bytes);
  } catch (error) {
    return fail(`the pretrained weights cannot be read: ${(error as Error).message}`);
  }
  const fit = fitPretrained(analysis, weights);
  if (!fit.ok) {
    return fail(
      `the pretrained weights do not fit the design: ${fit.message}. ` +
        'Press Reset weights to train from the seeded initial weights instead.',
    );
  }
  return { ok: true, value: fit.value };
}

function fail(message: string): { ok: false; error: EngineError } {
  return { ok: false, error: { type: 'weights', message } };
}
