import { describe, expect, it } from 'vitest';
import { MAX_SEED, validateTrainingSpec } from './training';

const valid = { optimizer: 'momentum', learningRate: 0.05, batchSize: 16, epochs: 10, seed: 3 };

describe('validateTrainingSpec', () => {
  it('fills validationSplit and momentum defaults and keeps clipNorm only when given', () => {
    expect(validateTrainingSpec(valid)).toEqual({
      ok: true,
      value: { ...valid, validationSplit: 0.2, momentum: 0.9 },
    });
    const clipped = validateTrainingSpec({ ...valid, clipNorm: 0, validationSplit: 0, momentum: 0 });
    expect(clipped.ok && clipped.value).toEqual({ ...valid, clipNorm: 0, validationSplit: 0, momentum: 0 });
  });

  it('accepts the bounds and refuses just past them', () => {
    const edges: [string, unknown, boolean][] = [
      ['learningRate', 10, true],
      ['learningRate', 10.001, false],
      ['learningRate', 0, false],
      ['learningRate', Number.MIN_VALUE, true],
      ['batchSize', 4096, true],
      ['batchSize', 4097, false],
      ['epochs', 10000, true],
      ['epochs', 10001, false],
      ['seed', MAX_SEED, true],
      ['seed', MAX_SEED + 1, false],
      ['seed', 1.5, false],
      ['validationSplit', 0.999, true],
      ['validationSplit', 1, false],
      ['validationSplit', -0.1, false],
      ['momentum', 0.999, true],
      ['momentum', 1, false],
      ['clipNorm', -1, false],
      ['clipNorm', 1e300, true],
      ['optimizer', 'adam', true],
      ['optimizer', 'Adam', false],
      ['optimizer', null, false],
    ];
    for (const [key, value, ok] of edges) {
      expect(validateTrainingSpec({ ...valid, [key]: value }).ok, `${key} = ${String(value)}`).toBe(ok);
    }
  });

  it('reports every problem with a path relative to training', () => {
    const result = validateTrainingSpec({ optimizer: 'adamw', learningRate: 'fast', batchSize: 0, lr: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: 'lr', message: expect.stringContaining('unknown key "lr"') },
      { path: 'epochs', message: '"epochs" is missing' },
      { path: 'seed', message: '"seed" is missing' },
      { path: 'optimizer', message: expect.stringContaining('got "adamw" (did you mean "adam"?)') },
      { path: 'learningRate', message: '"learningRate" must be a number above 0 and at most 10, got "fast"' },
      { path: 'batchSize', message: '"batchSize" must be a whole number from 1 to 4096, got 0' },
    ]);
    expect(validateTrainingSpec([]).ok).toBe(false);
    expect(validateTrainingSpec(null).ok).toBe(false);
  });
});
