/**
 * The pretrained weights beside a design file (`foo.weights.safetensors`
 * next to `foo.backflow.json`, as `backflow import` writes them), for
 * `train` and `export`: both start from them when present, so `export`
 * still writes exactly the weights `train` starts from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Design } from '../../src-shared/design/types';
import type { GraphAnalysis } from '../../src-shared/graph';
import { weightsPathFor } from '../../src-shared/weights-file';
import { readWeightValues } from '../engine/import';
import type { WeightValues } from '../engine/model/network';
import { weightsBelongTo } from '../engine/pretrained/design-hash';
import { fitPretrained } from '../engine/pretrained/fit';

export interface Pretrained {
  path: string;
  /** The tensors that fit the design (the rest start from the seed). */
  weights: WeightValues;
  /** Tensors in the file. */
  inFile: number;
  /** Which weights start from the seed instead, and which tensors are not used. */
  notes: string[];
}

/**
 * The design's weights file, read and fitted to the design: null when there
 * is none, a message naming the file when it cannot be read or none of its
 * tensors fits. Needs an initialized backend.
 */
export async function pretrainedWeightsFor(
  designPath: string,
  design: Design,
  analysis: GraphAnalysis,
): Promise<{ ok: true; value: Pretrained | null } | { ok: false; message: string }> {
  const path = weightsPathFor(resolve(designPath));
  if (!existsSync(path)) return { ok: true, value: null };
  if (!weightsBelongTo(readFileSync(path), readFileSync(designPath, 'utf8')))
    return {
      ok: false,
      message:
        `${path} was saved with another version of ${designPath} (a save that was cut short?).\n` +
        'Save the design again in the app, or move the file away to start from the seeded initial weights.',
    };
  let weights: WeightValues;
  try {
    weights = await readWeightValues(path);
  } catch (error) {
    return { ok: false, message: `${path}: cannot read the pretrained weights: ${(error as Error).message}` };
  }
  const fit = fitPretrained(analysis, weights);
  if (!fit.ok) {
    return {
      ok: false,
      message: `${path}: ${fit.message}.\nMove the file away to start from the seeded initial weights instead.`,
    };
  }
  return {
    ok: true,
    value: { path, weights: fit.value.usable, inFile: weights.size, notes: fit.value.notes },
  };
}

/** What `train` and `export` print when they use the file: a line, then one per note. */
export function describePretrained({ path, weights, inFile, notes }: Pretrained): string {
  const count = weights.size === inFile ? `${inFile} tensors` : `${weights.size} of its ${inFile} tensors`;
  return (
    [`using the pretrained weights in ${path} (${count})`, ...notes.map((n) => `  ${n}`)].join('\n') + '\n'
  );
}
