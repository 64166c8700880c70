import { describe, expect, it } from 'vitest';
import { LAYER_SPECS } from '../../../../src-shared/layers/index';
import { parseIntListText, parseNumberText } from './param-text';

// The catalogue keeps each spec's own type, so these are an int, a number and two intList specs as declared.
const units = LAYER_SPECS.dense.params.units;
const rate = LAYER_SPECS.dropout.params.rate;
const shape = LAYER_SPECS.input.params.shape;
const kernel = LAYER_SPECS.conv2d.params.kernelSize;

describe('inspector text parsing', () => {
  it('accepts a whole number in range and refuses the rest with a message', () => {
    expect(parseNumberText(units, ' 128 ')).toEqual({ ok: true, value: 128 });
    expect(parseNumberText(units, '12.5')).toMatchObject({
      ok: false,
      message: 'Units must be a whole number, got 12.5',
    });
    expect(parseNumberText(units, '0')).toMatchObject({ ok: false });
    expect(parseNumberText(units, '')).toMatchObject({
      ok: false,
      message: 'Units needs a value: a whole number from 1 to 16384, e.g. 64',
    });
    expect(parseNumberText(units, 'abc')).toMatchObject({ ok: false });
    // 1e9 is a whole number: refused for its size, not as "not whole" after reading its "1".
    expect(parseNumberText(units, '1e9')).toMatchObject({ ok: false, message: /from 1 to \d+, got 1e9/ });
    expect(parseNumberText(units, '1e3')).toEqual({ ok: true, value: 1000 });
  });

  it('reads real numbers with their bounds', () => {
    expect(parseNumberText(rate, '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(parseNumberText(rate, '1e-1')).toEqual({ ok: true, value: 0.1 });
    expect(parseNumberText(rate, 'Infinity')).toMatchObject({ ok: false });
  });

  it('reads shapes as lists and window sizes as a scalar or a pair', () => {
    expect(parseIntListText(shape, '28×28×1')).toEqual({ ok: true, value: [28, 28, 1] });
    expect(parseIntListText(shape, '2')).toEqual({ ok: true, value: [2] });
    expect(parseIntListText(shape, '1, 2, 3, 4')).toMatchObject({ ok: false });
    expect(parseIntListText(kernel, '3')).toEqual({ ok: true, value: 3 });
    expect(parseIntListText(kernel, '3, 5')).toEqual({ ok: true, value: [3, 5] });
    expect(parseIntListText(kernel, '3, a')).toMatchObject({ ok: false });
  });
});
