import { describe, expect, it } from 'vitest';
import { activationName, decade, decadeRange, layerList, percent, relativeSize } from './format';
import { median } from './stats';

describe('format', () => {
  it('writes decades with superscript exponents', () => {
    expect(decade(1.3e-9)).toBe('10⁻⁹');
    expect(decade(4.2e-5)).toBe('10⁻⁴');
    expect(decade(1)).toBe('10⁰');
    expect(decade(3.6e4)).toBe('10⁵');
    expect(decade(12)).toBe('10¹');
    expect(decade(0)).toBe('0');
    expect(decade(Number.NaN)).toBe('?');
    expect(decade(-1)).toBe('?');
    expect(decadeRange([1e-8, 3e-4, 1e-6])).toBe('10⁻⁸ to 10⁻⁴');
    expect(decadeRange([2e-3, 1.5e-3])).toBe('10⁻³');
    expect(relativeSize([1e-3])).toBe('10⁻³ of their size');
    expect(relativeSize([200, 3000])).toBe('10² to 10³ times their size');
  });

  it('writes percentages', () => {
    expect(percent(0.723)).toBe('72 %');
    expect(percent(0)).toBe('0 %');
    expect(percent(0.001)).toBe('< 1 %');
    expect(percent(1)).toBe('100 %');
  });

  it('collapses runs of consecutive layers', () => {
    const order = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'];
    expect(layerList(['d1', 'd2', 'd3'], order)).toBe('d1–d3');
    expect(layerList(['d3', 'd1', 'd2', 'd5', 'd7'], order)).toBe('d1–d3, d5 and d7');
    expect(layerList(['d4'], order)).toBe('d4');
    expect(layerList(['d6', 'd7', 'out'], order)).toBe('d6–d7 and out');
    expect(layerList([], order)).toBe('');
  });

  it('names activations as prose does', () => {
    expect(activationName('relu')).toBe('ReLU');
    expect(activationName('leakyRelu')).toBe('LeakyReLU');
    expect(activationName('sigmoid')).toBe('sigmoid');
  });

  it('medians ignore non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, Number.NaN, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
