import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataSpec } from '../../../src-shared/design/types';
import { createRandom, loadData } from './index';
import { prepare } from './prepare';
import type { LoadDataOptions, LoadedData, Split } from './index';

async function load(spec: DataSpec, options: Partial<LoadDataOptions> = {}): Promise<LoadedData> {
  const result = await loadData(spec, { seed: 42, validationSplit: 0.2, ...options });
  if (!result.ok) throw new Error(`${result.error.type}: ${result.error.message}`);
  return result.value;
}

function bytes(array: Float32Array | Int32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function splitBytes(split: Split | null): Buffer {
  if (!split) return Buffer.alloc(0);
  return Buffer.concat([
    bytes(split.x),
    bytes(split.y),
    split.labels ? bytes(split.labels) : Buffer.alloc(0),
  ]);
}

/** Per-feature mean and population std of a split's rows. */
function moments(x: Float32Array, width: number): { mean: number[]; std: number[] } {
  const n = x.length / width;
  const mean = new Array(width).fill(0);
  const squares = new Array(width).fill(0);
  for (let i = 0; i < x.length; i++) mean[i % width] += x[i] / n;
  for (let i = 0; i < x.length; i++) squares[i % width] += (x[i] - mean[i % width]) ** 2 / n;
  return { mean, std: squares.map(Math.sqrt) };
}

describe('loadData with built-in sets', () => {
  it('splits by the requested fraction, one-hot encodes and keeps labels', async () => {
    const data = await load({ source: 'builtin', name: 'spiral' });
    expect(data.inputShape).toEqual([2]);
    expect(data.outputUnits).toBe(3);
    expect(data.task).toBe('classification');
    expect(data.train.n).toBe(480);
    expect(data.validation?.n).toBe(120);
    expect(data.train.x).toHaveLength(480 * 2);
    expect(data.train.y).toHaveLength(480 * 3);
    for (let i = 0; i < data.train.n; i++) {
      const row = [...data.train.y.subarray(i * 3, i * 3 + 3)];
      expect(row.reduce((s, v) => s + v, 0)).toBe(1);
      expect(row[data.train.labels![i]]).toBe(1);
    }
  });

  it('holds nothing out when validationSplit is 0, and still shuffles the rows', async () => {
    const data = await load({ source: 'builtin', name: 'moons', samples: 100 }, { validationSplit: 0 });
    expect(data.validation).toBeNull();
    expect(data.train.n).toBe(100);
    // Generators emit class 0 then class 1; training must not see them grouped.
    expect([...data.train.labels!.subarray(0, 50)].every((label) => label === 0)).toBe(false);
  });

  it('keeps at least one row on each side of the cut', async () => {
    const tiny = await load({ source: 'builtin', name: 'xor', samples: 10 }, { validationSplit: 0.01 });
    expect(tiny.validation?.n).toBe(1);
    const big = await load({ source: 'builtin', name: 'xor', samples: 10 }, { validationSplit: 0.99 });
    expect(big.train.n).toBe(1);
  });

  it('gives byte-identical arrays for the same seed and different ones for another', async () => {
    const spec: DataSpec = { source: 'builtin', name: 'gaussians', samples: 200 };
    const a = await load(spec, { seed: 7 });
    const b = await load(spec, { seed: 7 });
    const c = await load(spec, { seed: 8 });
    expect(splitBytes(a.train).equals(splitBytes(b.train))).toBe(true);
    expect(splitBytes(a.validation).equals(splitBytes(b.validation))).toBe(true);
    expect(splitBytes(a.train).equals(splitBytes(c.train))).toBe(false);
  });

  it('standardizes features with the training split statistics', async () => {
    const data = await load({ source: 'builtin', name: 'circles', samples: 1000, noise: 0.2 });
    const { mean, std } = moments(data.train.x, 2);
    for (let f = 0; f < 2; f++) {
      expect(Math.abs(mean[f])).toBeLessThan(1e-4);
      expect(std[f]).toBeCloseTo(1, 4);
    }
    expect(data.normalization?.mean).toHaveLength(2);
    // Validation rows use the training statistics, so they are close to but not exactly standard.
    const held = moments(data.validation!.x, 2);
    expect(Math.abs(held.mean[0])).toBeLessThan(0.3);
  });

  it('leaves features alone with normalize "none"', async () => {
    const data = await load({ source: 'builtin', name: 'sine', normalize: 'none' }, { validationSplit: 0 });
    expect(data.normalization).toBeNull();
    expect(data.task).toBe('regression');
    expect(data.outputUnits).toBe(1);
    for (let i = 0; i < data.train.n; i++) {
      expect(Math.abs(data.train.x[i])).toBeLessThanOrEqual(Math.PI);
      expect(Math.abs(data.train.y[i] - Math.sin(data.train.x[i]))).toBeLessThan(0.5);
    }
  });

  it('guards a constant feature (std 0) instead of dividing by zero', () => {
    const x = Float32Array.from([5, 1, 5, 2, 5, 3, 5, 4]);
    const raw = {
      x,
      n: 4,
      inputShape: [2],
      task: 'regression' as const,
      targets: new Float32Array(4),
      outputUnits: 1,
    };
    const data = prepare(raw, 0, 'standardize', createRandom(1)) as LoadedData;
    expect(data.normalization?.std[0]).toBe(1);
    expect([...data.train.x].filter((_, i) => i % 2 === 0)).toEqual([0, 0, 0, 0]);
  });

  it('loads all of Iris: 150 × 4, three sorted species', async () => {
    const data = await load({ source: 'builtin', name: 'iris' }, { validationSplit: 0, seed: 1 });
    expect(data.train.n).toBe(150);
    expect(data.train.x).toHaveLength(600);
    expect(data.inputShape).toEqual([4]);
    expect(data.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(data.featureNames).toHaveLength(4);
    const counts = [0, 0, 0];
    for (const label of data.train.labels!) counts[label]++;
    expect(counts).toEqual([50, 50, 50]);
    const subset = await load({ source: 'builtin', name: 'iris', samples: 30 }, { validationSplit: 0.5 });
    expect(subset.train.n + subset.validation!.n).toBe(30);
  });

  it('loads an MNIST subset: 28×28×1 pixels in [0, 1], or standardized by one scalar', async () => {
    const spec: DataSpec = { source: 'builtin', name: 'mnist', samples: 100, normalize: 'none' };
    const data = await load(spec, { validationSplit: 0 });
    expect(data.train.n).toBe(100);
    expect(data.inputShape).toEqual([28, 28, 1]);
    expect(data.outputUnits).toBe(10);
    expect(data.train.x).toHaveLength(100 * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.train.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
    expect(new Set(data.train.labels).size).toBeGreaterThan(5);

    const standard = await load({ ...spec, normalize: 'standardize' }, { validationSplit: 0 });
    const { mean, std } = standard.normalization!;
    expect(new Set(mean).size).toBe(1);
    expect(new Set(std).size).toBe(1);
    expect(mean[0]).toBeGreaterThan(0.05);
    expect(mean[0]).toBeLessThan(0.3);
    // The same digits in the same order: standardizing is the only difference.
    expect(standard.train.x[0]).toBeCloseTo((data.train.x[0] - mean[0]) / std[0], 5);
  });
});

describe('CSV data picked by the user (bytes, no path read)', () => {
  const spec = { source: 'csv' as const, path: 'simple.csv', target: 'kind' };
  const fixtures = join(__dirname, 'fixtures');

  it('reads the bytes exactly as it reads the file beside a design', async () => {
    const fromFile = await loadData(spec, { seed: 3, validationSplit: 0.2, designDir: fixtures });
    const bytes = new Uint8Array(readFileSync(join(fixtures, 'simple.csv')));
    // The folder is ignored when bytes are given: a page's bytes never lead to a file read.
    const fromBytes = await loadData(spec, {
      seed: 3,
      validationSplit: 0.2,
      csvBytes: bytes,
      designDir: '/',
    });
    expect(fromFile.ok && fromBytes.ok).toBe(true);
    if (fromFile.ok && fromBytes.ok) {
      expect(fromBytes.value.train.x).toEqual(fromFile.value.train.x);
      expect(fromBytes.value.classNames).toEqual(fromFile.value.classNames);
    }
  });

  it('says to choose the file when neither bytes nor a folder are there', async () => {
    const result = await loadData(spec, { seed: 3, validationSplit: 0.2 });
    expect(result).toMatchObject({
      ok: false,
      error: {
        type: 'missingFile',
        message: 'simple.csv is a CSV file: choose it under Data (or save the design beside it)',
      },
    });
  });

  it('names the cell of a malformed picked file', async () => {
    const bytes = new TextEncoder().encode('width,kind\n1,cat\nabc,dog\n');
    const result = await loadData(spec, { seed: 3, validationSplit: 0, csvBytes: bytes });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/simple\.csv.*line 3/);
  });
});

describe('loadData refusals', () => {
  it('refuses an invalid spec or options as data, never by throwing', async () => {
    const cases: [unknown, Partial<LoadDataOptions>, string][] = [
      [{ source: 'builtin', name: 'spiral', samples: 1e9 }, {}, 'data.samples must be from 10 to 100000'],
      [{ source: 'builtin', name: 'nope' }, {}, 'data.name'],
      [null, {}, 'data must be an object'],
      [{ source: 'builtin', name: 'spiral' }, { validationSplit: 1 }, 'training.validationSplit'],
      [{ source: 'builtin', name: 'spiral' }, { validationSplit: Number.NaN }, 'training.validationSplit'],
      [{ source: 'builtin', name: 'spiral' }, { seed: Number.NaN }, 'training.seed'],
    ];
    for (const [spec, options, words] of cases) {
      const result = await loadData(spec as DataSpec, { seed: 1, validationSplit: 0.2, ...options });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.type).toBe('invalidSpec');
        expect(result.error.message).toContain(words);
      }
    }
  });
});
