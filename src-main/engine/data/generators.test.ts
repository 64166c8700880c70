import { describe, expect, it } from 'vitest';
import { GENERATORS, classCounts } from './generators';
import { createRandom } from './random';

const NAMES = Object.keys(GENERATORS) as (keyof typeof GENERATORS)[];

function bytes(array: Float32Array | Int32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

describe('classCounts', () => {
  it('splits rows as evenly as possible', () => {
    expect(classCounts(10, 3)).toEqual([4, 3, 3]);
    expect(classCounts(600, 3)).toEqual([200, 200, 200]);
  });
});

describe.each(NAMES)('%s generator', (name) => {
  const generate = GENERATORS[name];
  const options = { samples: 301, classes: 3, noise: 0.1 };

  it('has the advertised shapes and only finite values', () => {
    const raw = generate(options, createRandom(1));
    const width = name === 'sine' ? 1 : 2;
    expect(raw.n).toBe(301);
    expect(raw.inputShape).toEqual([width]);
    expect(raw.x).toHaveLength(301 * width);
    expect(raw.x.every(Number.isFinite)).toBe(true);
    if (name === 'sine') {
      expect(raw.task).toBe('regression');
      expect(raw.targets).toHaveLength(301);
      expect(raw.labels).toBeUndefined();
    } else {
      expect(raw.task).toBe('classification');
      expect(raw.labels).toHaveLength(301);
      expect(raw.classNames).toHaveLength(raw.outputUnits);
    }
  });

  it('gives the same bytes for the same seed and different ones for another', () => {
    const a = generate(options, createRandom(5));
    const b = generate(options, createRandom(5));
    const c = generate(options, createRandom(6));
    expect(bytes(a.x).equals(bytes(b.x))).toBe(true);
    expect(bytes(a.x).equals(bytes(c.x))).toBe(false);
  });

  if (name !== 'sine') {
    it('balances the classes to within one row', () => {
      const raw = generate(options, createRandom(2));
      const counts = new Array(raw.outputUnits).fill(0);
      for (const label of raw.labels!) counts[label]++;
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(counts.reduce((s, c) => s + c, 0)).toBe(301);
    });
  }
});

describe('generator geometry', () => {
  it('spiral honours the class count and keeps noise-free points within the unit disc', () => {
    const raw = GENERATORS.spiral({ samples: 500, classes: 5, noise: 0 }, createRandom(1));
    expect(raw.outputUnits).toBe(5);
    expect(new Set(raw.labels).size).toBe(5);
    for (let i = 0; i < raw.n; i++)
      expect(Math.hypot(raw.x[2 * i], raw.x[2 * i + 1])).toBeLessThanOrEqual(1.0001);
  });

  it('fixed two-class sets ignore the requested class count', () => {
    for (const name of ['moons', 'circles', 'xor'] as const) {
      expect(GENERATORS[name]({ samples: 100, classes: 7, noise: 0 }, createRandom(1)).outputUnits).toBe(2);
    }
  });

  it('circles put class 1 inside class 0', () => {
    const raw = GENERATORS.circles({ samples: 200, classes: 2, noise: 0 }, createRandom(1));
    for (let i = 0; i < raw.n; i++) {
      const r = Math.hypot(raw.x[2 * i], raw.x[2 * i + 1]);
      expect(r).toBeCloseTo(raw.labels![i] === 0 ? 1 : 0.5, 5);
    }
  });

  it('xor labels by the sign of x·y when there is no noise', () => {
    const raw = GENERATORS.xor({ samples: 400, classes: 2, noise: 0 }, createRandom(1));
    for (let i = 0; i < raw.n; i++) {
      expect(raw.labels![i]).toBe(raw.x[2 * i] * raw.x[2 * i + 1] > 0 ? 0 : 1);
    }
  });

  it('gaussian blobs are centred on a circle of radius 2 with the noise as spread', () => {
    const raw = GENERATORS.gaussians({ samples: 3000, classes: 3, noise: 0.5 }, createRandom(1));
    for (let k = 0; k < 3; k++) {
      let sx = 0;
      let sy = 0;
      let m = 0;
      for (let i = 0; i < raw.n; i++) {
        if (raw.labels![i] !== k) continue;
        sx += raw.x[2 * i];
        sy += raw.x[2 * i + 1];
        m++;
      }
      const angle = (2 * Math.PI * k) / 3;
      expect(sx / m).toBeCloseTo(2 * Math.cos(angle), 1);
      expect(sy / m).toBeCloseTo(2 * Math.sin(angle), 1);
    }
  });

  it('sine targets are sin(x) within the noise, with x in [-π, π)', () => {
    const noise = 0.1;
    const raw = GENERATORS.sine({ samples: 2000, classes: 1, noise }, createRandom(4));
    let squares = 0;
    for (let i = 0; i < raw.n; i++) {
      expect(Math.abs(raw.x[i])).toBeLessThanOrEqual(Math.PI);
      const residual = raw.targets![i] - Math.sin(raw.x[i]);
      expect(Math.abs(residual)).toBeLessThan(5 * noise);
      squares += residual * residual;
    }
    expect(Math.sqrt(squares / raw.n)).toBeCloseTo(noise, 1);
    const clean = GENERATORS.sine({ samples: 50, classes: 1, noise: 0 }, createRandom(4));
    for (let i = 0; i < clean.n; i++) expect(clean.targets![i]).toBeCloseTo(Math.sin(clean.x[i]), 6);
  });
});
