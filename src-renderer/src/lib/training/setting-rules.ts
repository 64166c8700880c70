/**
 * The training settings' number rules: the bounds validateTrainingSpec
 * checks, with typical values, so each field can say its range in words and
 * refuse what the file parser would refuse.
 */
import { MAX_SEED } from '../../../../src-shared/design/training';
import type { TrainingSpec } from '../../../../src-shared/design/types';
import type { NumberRule } from '../model/number-text';

type NumericKey = Exclude<keyof TrainingSpec, 'optimizer'>;

export const TRAINING_RULES: Record<NumericKey, NumberRule> = {
  learningRate: { kind: 'number', min: 0, max: 10, exclusiveMin: true, examples: ['0.01', '1e-3'] },
  batchSize: { kind: 'int', min: 1, max: 4096, examples: ['32', '128'] },
  epochs: { kind: 'int', min: 1, max: 10000, examples: ['20'] },
  seed: { kind: 'int', min: 0, max: MAX_SEED, examples: ['42'] },
  validationSplit: {
    kind: 'number',
    min: 0,
    max: 1,
    exclusiveMax: true,
    examples: ['0.2'],
    emptyMeans: 'the default 0.2',
  },
  momentum: {
    kind: 'number',
    min: 0,
    max: 1,
    exclusiveMax: true,
    examples: ['0.9'],
    emptyMeans: 'the default 0.9',
  },
  clipNorm: {
    kind: 'number',
    min: 0,
    max: Number.MAX_VALUE,
    examples: ['1', '5'],
    emptyMeans: 'no clipping',
  },
};
