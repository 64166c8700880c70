import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASET_INFO, csvPathProblem, describeData, validateDataSpec } from './datasets';
import { BUILTIN_DATASETS } from './types';

function issuesOf(raw: unknown): string[] {
  const result = validateDataSpec(raw);
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('BUILTIN_DATASET_INFO', () => {
  it('describes every built-in data set with defaults inside its own limits', () => {
    for (const name of BUILTIN_DATASETS) {
      const info = BUILTIN_DATASET_INFO[name];
      const spec = { source: 'builtin', name, ...info.defaults };
      expect(validateDataSpec(spec), name).toEqual({ ok: true, value: spec });
    }
  });

  it('matches the contract for the shapes the editor infers', () => {
    expect(describeData({ source: 'builtin', name: 'spiral' })).toEqual({
      inputShape: [2],
      outputUnits: 3,
      task: 'classification',
    });
    expect(describeData({ source: 'builtin', name: 'spiral', classes: 5 }).outputUnits).toBe(5);
    expect(describeData({ source: 'builtin', name: 'sine' })).toEqual({
      inputShape: [1],
      outputUnits: 1,
      task: 'regression',
    });
    expect(describeData({ source: 'builtin', name: 'iris' })).toMatchObject({
      inputShape: [4],
      outputUnits: 3,
    });
    expect(describeData({ source: 'builtin', name: 'mnist' })).toMatchObject({
      inputShape: [28, 28, 1],
      outputUnits: 10,
    });
    expect(BUILTIN_DATASET_INFO.mnist.defaults.samples).toBe(2000);
  });

  it('knows nothing about a CSV file before it is loaded', () => {
    expect(describeData({ source: 'csv', path: 'data.csv', target: 'y' })).toEqual({});
  });

  it('returns a fresh shape array, so a caller cannot corrupt the catalogue', () => {
    describeData({ source: 'builtin', name: 'moons' }).inputShape?.push(99);
    expect(BUILTIN_DATASET_INFO.moons.inputShape).toEqual([2]);
  });
});

describe('validateDataSpec', () => {
  it('accepts the example of the design-file contract and copies only known keys', () => {
    const spec = { source: 'builtin', name: 'spiral', samples: 600, classes: 3, noise: 0.1 };
    const result = validateDataSpec(spec);
    expect(result).toEqual({ ok: true, value: spec });
    expect(result.ok && result.value).not.toBe(spec);
  });

  it('refuses absurd sizes with a message naming the field and the range', () => {
    expect(issuesOf({ source: 'builtin', name: 'spiral', samples: 1e9 })).toEqual([
      'data.samples: data.samples must be from 10 to 100000, got 1000000000',
    ]);
    expect(issuesOf({ source: 'builtin', name: 'mnist', samples: 10_001 })[0]).toContain('from 10 to 10000');
    expect(issuesOf({ source: 'builtin', name: 'iris', samples: 151 })[0]).toContain('from 10 to 150');
    expect(issuesOf({ source: 'builtin', name: 'moons', classes: 3 })[0]).toContain('must be 2, got 3');
    expect(issuesOf({ source: 'builtin', name: 'spiral', noise: -0.1 })[0]).toContain('data.noise');
  });

  it('refuses wrong types, fractions and options that do not apply', () => {
    expect(issuesOf({ source: 'builtin', name: 'spiral', samples: '600' })[0]).toContain(
      'data.samples must be a number, got "600"',
    );
    expect(issuesOf({ source: 'builtin', name: 'spiral', classes: 2.5 })[0]).toContain('whole number');
    expect(issuesOf({ source: 'builtin', name: 'spiral', noise: Number.NaN })[0]).toContain('data.noise');
    expect(issuesOf({ source: 'builtin', name: 'sine', classes: 2 })[0]).toContain(
      'does not apply to the sine',
    );
    expect(issuesOf({ source: 'builtin', name: 'iris', noise: 0.1 })[0]).toContain(
      'does not apply to the iris',
    );
    expect(issuesOf({ source: 'builtin', name: 'spiral', normalize: 'minmax' })[0]).toContain(
      'data.normalize',
    );
  });

  it('refuses unknown keys (a typo must not pass silently) and unknown names', () => {
    expect(issuesOf({ source: 'builtin', name: 'spiral', sample: 600 })[0]).toMatch(/^data\.sample: /);
    expect(issuesOf({ source: 'builtin', name: 'spirals' })[0]).toContain('data.name must be one of spiral');
    expect(issuesOf({ source: 'csv', path: 'a.csv', target: 'y', name: 'x' })[0]).toMatch(/^data\.name: /);
    expect(issuesOf({ source: 'json' })[0]).toContain('data.source must be "builtin" or "csv"');
    expect(issuesOf(null)[0]).toContain('data must be an object');
    expect(issuesOf([])[0]).toContain('data must be an object');
  });

  it('accepts CSV paths inside the folder, including ones that dip into a subfolder and back', () => {
    for (const path of ['data.csv', 'sub/data.csv', './data.csv', 'sub/../data.csv', 'sub\\data.csv']) {
      expect(validateDataSpec({ source: 'csv', path, target: 'y' }).ok, path).toBe(true);
    }
  });

  it('refuses CSV paths that are empty, absolute, escaping or hold a NUL byte', () => {
    const cases: [string, string, boolean][] = [
      ['', 'must not be empty', false],
      ['/etc/passwd', 'absolute path', true],
      ['C:\\data.csv', 'absolute path', true],
      ['\\\\server\\share\\a.csv', 'absolute path', true],
      ['../data.csv', 'inside the design', true],
      ['sub/../../data.csv', 'inside the design', true],
      ['..\\data.csv', 'inside the design', true],
      ['data\0.csv', 'NUL', false],
      ['sub/..', 'must name a file', false],
    ];
    for (const [path, words, escapes] of cases) {
      expect(issuesOf({ source: 'csv', path, target: 'y' })[0], path).toContain(words);
      expect(csvPathProblem(path)?.escapes, path).toBe(escapes);
    }
    expect(issuesOf({ source: 'csv', target: 'y' })[0]).toMatch(/^data\.path: /);
    expect(issuesOf({ source: 'csv', path: 'a.csv', target: '' })[0]).toMatch(/^data\.target: /);
  });
});
