/**
 * Numbers typed by people: `0.001`, `1e-3`, `.5`, `1e6`, `-2`. Text is read
 * whole or not at all: a half-typed `1e` or `1.2.` is no number, and a value
 * is never rounded or truncated to fit (`12.5` is not a whole number, rather
 * than 12). Each rule can say its range in words, for the field's help line.
 */

/** A complete decimal number, optionally with an exponent; no hex, no `Infinity`, no thousands separators. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** What a number field accepts. */
export interface NumberRule {
  kind: 'int' | 'number';
  min: number;
  max: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** Typical values as a person would type them (`0.01`, `1e-3`). */
  examples?: readonly string[];
  /** Empty text means "none" (an optional setting): the words for it. */
  emptyMeans?: string;
}

export type NumberRead = { ok: true; value: number | undefined } | { ok: false; message: string };

/** The rule's range in words: `a number above 0 and at most 10, e.g. 0.01 or 1e-3`. */
export function describeRule(rule: NumberRule): string {
  let words: string;
  if (rule.kind === 'int') {
    words = `a whole number from ${rule.min} to ${rule.max}`;
  } else {
    const low = `${rule.exclusiveMin ? 'above' : 'at least'} ${rule.min}`;
    const high =
      rule.max >= Number.MAX_VALUE ? '' : ` and ${rule.exclusiveMax ? 'below' : 'at most'} ${rule.max}`;
    words = `a number ${low}${high}`;
  }
  if (rule.examples?.length) words += `, e.g. ${rule.examples.join(' or ')}`;
  if (rule.emptyMeans) words += `; empty for ${rule.emptyMeans}`;
  return words;
}

/** The field's help line: `Learning rate: a number above 0 and at most 10, e.g. 0.01 or 1e-3`. */
export function ruleHelp(label: string, rule: NumberRule): string {
  return `${label}: ${describeRule(rule)}`;
}

/** Reads `text` under `rule`; the message names the field and says what is wrong. */
export function readNumber(label: string, rule: NumberRule, text: string): NumberRead {
  const t = text.trim();
  if (t === '') {
    return rule.emptyMeans !== undefined
      ? { ok: true, value: undefined }
      : { ok: false, message: `${label} needs a value: ${describeRule(rule)}` };
  }
  if (!NUMBER.test(t))
    return { ok: false, message: `${label}: “${t}” is not a number; ${describeRule(rule)}` };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, message: `${label}: ${t} is too large to be a number` };
  if (rule.kind === 'int' && !Number.isInteger(value))
    return { ok: false, message: `${label} must be a whole number, got ${t}` };
  if (rule.kind === 'int' && (value < rule.min || value > rule.max))
    return { ok: false, message: `${label} must be from ${rule.min} to ${rule.max}, got ${t}` };
  if (rule.exclusiveMin ? value <= rule.min : value < rule.min)
    return {
      ok: false,
      message: `${label} must be ${rule.exclusiveMin ? 'above' : 'at least'} ${rule.min}, got ${t}`,
    };
  if (rule.exclusiveMax ? value >= rule.max : value > rule.max)
    return {
      ok: false,
      message: `${label} must be ${rule.exclusiveMax ? 'below' : 'at most'} ${rule.max}, got ${t}`,
    };
  return { ok: true, value };
}
