import { describe, expect, it } from 'vitest';
import { alignedRows, smooth } from './compare';

describe('comparison', () => {
  it('aligns heatmap rows by layer id, a layer one run lacks placed where the other has it', () => {
    const plain = { layers: ['in', 'd1', 'd2', 'out'].map((id) => ({ id })) };
    const skip = { layers: ['in', 'd1', 'add1', 'd2', 'out'].map((id) => ({ id })) };
    const short = { layers: ['in', 'd1', 'out'].map((id) => ({ id })) };
    expect(alignedRows([plain, skip, short])).toEqual(['in', 'd1', 'add1', 'd2', 'out']);
    expect(alignedRows([short, plain])).toEqual(['in', 'd1', 'd2', 'out']);
  });

  it('smooths like TensorBoard: debiased, 0 is the raw curve, NaN skipped', () => {
    expect(Array.from(smooth([1, 2, 3], 3, 0))).toEqual([1, 2, 3]);
    // A constant stays constant from the first point (no pull towards 0).
    expect(Array.from(smooth([5, 5, 5], 3, 0.9)).map((v) => +v.toFixed(12))).toEqual([5, 5, 5]);
    const s = smooth([0, NaN, 10], 3, 0.5);
    expect(s[0]).toBe(0);
    expect(Number.isNaN(s[1])).toBe(true);
    // (0.5·0 + 0.5·10) / (1 − 0.5²) = 5 / 0.75
    expect(s[2]).toBeCloseTo(5 / 0.75, 12);
  });
});
