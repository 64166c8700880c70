import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed, permutation, shuffleInPlace } from './random';

function draw(seed: number, count: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random.uint32());
}

describe('createRandom', () => {
  it('is deterministic and pinned: these values must never change between releases', () => {
    // A changed value here means every saved seed now gives different runs. The values
    // were cross-checked against an independent Python implementation of sfc32 + splitmix32.
    expect(draw(42, 4)).toEqual(draw(42, 4));
    expect(draw(42, 4)).toMatchInlineSnapshot(`
      [
        3398404915,
        1005869237,
        3374281156,
        3607449440,
      ]
    `);
  });

  it('gives unrelated streams for neighbouring and unusual seeds', () => {
    const seeds = [0, 1, 2, 42, 2 ** 32 - 1, 2 ** 32, -1, 0.5, 1e300];
    const firsts = seeds.map((seed) => draw(seed, 2).join(','));
    expect(new Set(firsts).size).toBe(seeds.length);
  });

  it('draws uniform floats in [0, 1) with the right mean and variance', () => {
    const random = createRandom(7);
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = random.next();
      sum += u;
      squares += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(squares / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('draws standard normals with mean 0, std 1 and Gaussian tails', () => {
    const random = createRandom(11);
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = random.normal();
      sum += z;
      squares += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.sqrt(squares / n)).toBeCloseTo(1, 1);
    expect(beyond2 / n).toBeCloseTo(0.0455, 2);
  });

  it('draws integers in [0, n) evenly and refuses a bad n', () => {
    const random = createRandom(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[random.int(6)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(random.int(1)).toBe(0);
    expect(() => random.int(0)).toThrow(RangeError);
    expect(() => random.int(2.5)).toThrow(RangeError);
  });

  it('draws uniform values in a range', () => {
    const random = createRandom(5);
    for (let i = 0; i < 1000; i++) {
      const v = random.uniform(-3, 2);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThan(2);
    }
  });
});

describe('deriveSeed', () => {
  it('separates streams by label, order and seed, and is stable', () => {
    const seeds = [
      deriveSeed(42),
      deriveSeed(42, 'data'),
      deriveSeed(42, 'split'),
      deriveSeed(43, 'data'),
      deriveSeed(42, 'ab', 'c'),
      deriveSeed(42, 'a', 'bc'),
      deriveSeed(42, 'init', 'd1'),
      deriveSeed(42, 'init', 'd2'),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    expect(deriveSeed(42, 'data', 'spiral')).toBe(deriveSeed(42, 'data', 'spiral'));
    expect(deriveSeed(42, 'data', 'spiral')).toMatchInlineSnapshot(`858926772`);
  });
});

describe('permutation and shuffleInPlace', () => {
  it('returns each index exactly once, in a seed-determined order', () => {
    const order = permutation(1000, createRandom(1));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(order).toEqual(permutation(1000, createRandom(1)));
    expect(order).not.toEqual(permutation(1000, createRandom(2)));
    expect(permutation(0, createRandom(1))).toHaveLength(0);
  });

  it('puts every element in every position about equally often', () => {
    const random = createRandom(9);
    const seen = Array.from({ length: 4 }, () => new Array(4).fill(0));
    for (let t = 0; t < 8000; t++) {
      shuffleInPlace([0, 1, 2, 3], random).forEach((value, position) => seen[value][position]++);
    }
    for (const row of seen) for (const count of row) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});
