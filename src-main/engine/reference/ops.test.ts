/** The reference ops themselves, against values that do not come from TensorFlow. */
import { describe, expect, it } from 'vitest';
import { activate, erf, pool, windowAxis } from './ops';

describe('reference ops', () => {
  it('erf matches tabulated values to 1e-13', () => {
    // Abramowitz & Stegun / high-precision tables.
    const table: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-1.5, -0.9661051464753108],
    ];
    for (const [x, value] of table) expect(Math.abs(erf(x) - value)).toBeLessThan(1e-13);
  });

  it('gelu uses the exact erf form', () => {
    expect(activate('gelu', 1, 0)).toBeCloseTo(0.8413447460685429, 14);
    expect(activate('selu', -1, 0)).toBeCloseTo(
      1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1),
      14,
    );
  });

  it("follows TensorFlow's window arithmetic: odd padding goes bottom/right", () => {
    expect(windowAxis(5, 3, 2, 'valid')).toEqual({ out: 2, pad: 0 });
    expect(windowAxis(5, 2, 2, 'same')).toEqual({ out: 3, pad: 0 });
    expect(windowAxis(6, 3, 2, 'same')).toEqual({ out: 3, pad: 0 });
    expect(windowAxis(5, 3, 1, 'same')).toEqual({ out: 5, pad: 1 });
    expect(windowAxis(4, 4, 1, 'same')).toEqual({ out: 4, pad: 1 });
  });

  it("'same' average pooling divides by the real pixels only", () => {
    const x = { shape: [1, 3, 3, 1], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) };
    const y = pool(x, 'avg', { size: [2, 2], strides: [2, 2], padding: 'same' });
    expect(Array.from(y.data)).toEqual([3, 4.5, 7.5, 9]);
  });
});
