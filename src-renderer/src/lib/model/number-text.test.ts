import { describe, expect, it } from 'vitest';
import { describeRule, readNumber, ruleHelp, type NumberRule } from './number-text';

const rate: NumberRule = { kind: 'number', min: 0, max: 10, exclusiveMin: true, examples: ['0.01', '1e-3'] };
const units: NumberRule = { kind: 'int', min: 1, max: 100000, examples: ['64'] };
const split: NumberRule = {
  kind: 'number',
  min: 0,
  max: 1,
  exclusiveMax: true,
  emptyMeans: 'the default 0.2',
};

describe('numbers as people type them', () => {
  it('reads every usual spelling of a number to the same value JavaScript gives it', () => {
    for (const [text, value] of [
      ['0.001', 0.001],
      ['1e-3', 0.001],
      ['1E-3', 0.001],
      ['.5', 0.5],
      [' 2 ', 2],
      ['+3', 3],
      ['5.', 5],
    ] as const) {
      expect(readNumber('Learning rate', rate, text)).toEqual({ ok: true, value });
    }
    expect(readNumber('Units', units, '1e3')).toEqual({ ok: true, value: 1000 });
  });

  it('refuses half-typed text instead of reading its prefix', () => {
    for (const text of ['1e', '1e-', '.', '-', '1.2.3', '0x10', 'Infinity', '1,5', '1 000']) {
      const read = readNumber('Learning rate', rate, text);
      expect(read.ok, text).toBe(false);
    }
  });

  it('never rounds: a fraction is not a whole number, and out of range says the bound', () => {
    expect(readNumber('Units', units, '12.5')).toEqual({
      ok: false,
      message: 'Units must be a whole number, got 12.5',
    });
    expect(readNumber('Units', units, '1e9')).toEqual({
      ok: false,
      message: 'Units must be from 1 to 100000, got 1e9',
    });
    expect(readNumber('Learning rate', rate, '1e6')).toEqual({
      ok: false,
      message: 'Learning rate must be at most 10, got 1e6',
    });
    expect(readNumber('Learning rate', rate, '0')).toMatchObject({ ok: false, message: /above 0/ });
    expect(readNumber('Validation split', split, '1')).toMatchObject({ ok: false, message: /below 1/ });
  });

  it('reads empty text as absent only where the setting is optional', () => {
    expect(readNumber('Validation split', split, '  ')).toEqual({ ok: true, value: undefined });
    expect(readNumber('Learning rate', rate, '')).toMatchObject({ ok: false, message: /needs a value/ });
  });

  it('says the range in words', () => {
    expect(ruleHelp('Learning rate', rate)).toBe(
      'Learning rate: a number above 0 and at most 10, e.g. 0.01 or 1e-3',
    );
    expect(describeRule(units)).toBe('a whole number from 1 to 100000, e.g. 64');
    expect(describeRule(split)).toBe('a number at least 0 and below 1; empty for the default 0.2');
    expect(describeRule({ kind: 'number', min: 0, max: Number.MAX_VALUE })).toBe('a number at least 0');
  });
});
