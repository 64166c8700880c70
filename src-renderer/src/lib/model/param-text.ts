/**
 * Reading parameter values typed as text in the inspector. Each parser turns
 * the text into the value the design holds, then asks the shared `checkValue`
 * so the inspector accepts exactly what the file parser accepts.
 */
import { checkValue } from '../../../../src-shared/layers/params';
import type { IntListParamSpec, ParamSpec, ParamValue } from '../../../../src-shared/layers/types';
import { readNumber, type NumberRule } from './number-text';

export type Parsed = { ok: true; value: ParamValue } | { ok: false; message: string };

function checked(spec: ParamSpec, value: ParamValue): Parsed {
  const problem = checkValue(spec, value);
  return problem ? { ok: false, message: `${spec.label} ${problem}` } : { ok: true, value };
}

const INT = /^[+-]?\d+$/;

/** The rule a numeric parameter's text is read by: its bounds, and its default as the example. */
export function ruleOf(spec: ParamSpec & { kind: 'int' | 'number' }): NumberRule {
  return {
    kind: spec.kind,
    min: spec.min,
    max: spec.max,
    exclusiveMin: spec.kind === 'number' ? spec.exclusiveMin : undefined,
    examples: typeof spec.default === 'number' ? [String(spec.default)] : undefined,
  };
}

/** A whole or real number as typed (`64`, `1e3`, `.5`), never rounded to fit. */
export function parseNumberText(spec: ParamSpec & { kind: 'int' | 'number' }, text: string): Parsed {
  const read = readNumber(spec.label, ruleOf(spec), text);
  if (!read.ok) return read;
  return read.value === undefined
    ? { ok: false, message: `${spec.label} needs a value` }
    : checked(spec, read.value);
}

/** `28, 28, 1`, `28×28×1` or `28 28 1`; a lone `3` stays a scalar where the layer allows it. */
export function parseIntListText(spec: IntListParamSpec, text: string): Parsed {
  const parts = text
    .trim()
    .split(/[\s,×x*]+/)
    .filter((p) => p !== '');
  if (parts.length === 0) return { ok: false, message: `${spec.label} needs a value` };
  if (parts.some((p) => !INT.test(p))) return { ok: false, message: `${spec.label} must be whole numbers` };
  const numbers = parts.map(Number);
  if (spec.scalarAllowed && numbers.length === 1) return checked(spec, numbers[0]);
  return checked(spec, numbers);
}

export function formatIntList(value: ParamValue): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}
