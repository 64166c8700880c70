import { describe, expect, it } from 'vitest';
import {
  cssColour,
  decadeTicks,
  formatValue,
  LUT,
  lutIndex,
  scaleFromValues,
  scalePosition,
  unionScale,
} from './colour-scale';

describe('scaleFromValues', () => {
  it('spans the values in whole decades with one decade of room each side', () => {
    // Deep sigmoid at init: first layer ~3e-6, last ~2e-2.
    expect(scaleFromValues([3e-6, 4e-4, 2e-2])).toEqual({ minDecade: -7, maxDecade: 0 });
  });

  it('skips zeros, negatives, NaN and infinities', () => {
    expect(scaleFromValues([0, -1, NaN, Infinity, 5e-3])).toEqual({ minDecade: -4, maxDecade: -1 });
  });

  it('is at least minSpan decades wide', () => {
    const s = scaleFromValues([1], 5);
    expect(s.maxDecade - s.minDecade).toBeGreaterThanOrEqual(5);
    expect(s.minDecade).toBeLessThanOrEqual(0);
    expect(s.maxDecade).toBeGreaterThanOrEqual(0);
  });

  it('falls back to 1e-8…1e1 with nothing to go on', () => {
    expect(scaleFromValues([NaN, 0])).toEqual({ minDecade: -8, maxDecade: 1 });
  });
});

describe('scalePosition', () => {
  const scale = { minDecade: -6, maxDecade: 0 };

  it('is linear in log10', () => {
    expect(scalePosition(scale, 1e-6)).toBeCloseTo(0);
    expect(scalePosition(scale, 1e-3)).toBeCloseTo(0.5);
    expect(scalePosition(scale, 1)).toBeCloseTo(1);
  });

  it('clamps outside the scale instead of rescaling (the scale is fixed per run)', () => {
    expect(scalePosition(scale, 1e-12)).toBe(0);
    expect(scalePosition(scale, 1e6)).toBe(1);
    expect(scalePosition(scale, Infinity)).toBe(1);
    expect(scalePosition(scale, 0)).toBe(0);
  });

  it('gives NaN (missing, drawn grey) for NaN', () => {
    expect(scalePosition(scale, NaN)).toBeNaN();
    expect(lutIndex(scale, NaN)).toBe(-1);
    expect(cssColour(scale, NaN)).toBeUndefined();
  });

  it('orders colours from dark to bright', () => {
    const luminance = (v: number) => {
      const i = lutIndex(scale, v) * 3;
      return 0.2126 * LUT[i] + 0.7152 * LUT[i + 1] + 0.0722 * LUT[i + 2];
    };
    expect(luminance(1e-6)).toBeLessThan(luminance(1e-3));
    expect(luminance(1e-3)).toBeLessThan(luminance(1));
  });
});

describe('legend and text', () => {
  it('has one tick per decade, positioned along the bar', () => {
    const ticks = decadeTicks({ minDecade: -4, maxDecade: -1 });
    expect(ticks.map((t) => t.label)).toEqual(['1e-4', '1e-3', '1e-2', '1e-1']);
    expect(ticks.map((t) => t.position)).toEqual([0, 1 / 3, 2 / 3, 1]);
  });

  it('thins ticks on very wide scales', () => {
    expect(decadeTicks({ minDecade: -30, maxDecade: 10 }).length).toBeLessThanOrEqual(13);
  });

  it('unites two runs’ scales so A/B heatmaps share one', () => {
    expect(unionScale({ minDecade: -7, maxDecade: -1 }, { minDecade: -4, maxDecade: 1 })).toEqual({
      minDecade: -7,
      maxDecade: 1,
    });
  });

  it('formats values for the tooltip', () => {
    expect(formatValue(3.14159e-7)).toBe('3.14e-7');
    expect(formatValue(0.5)).toBe('0.500');
    expect(formatValue(null)).toBe('—');
    expect(formatValue(0)).toBe('0');
  });
});
