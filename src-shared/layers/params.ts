/**
 * Checking a node's `params` against its layer's parameter schema. One
 * function serves the design parser, the inspector (validate as typed) and the
 * engine, so a value is either valid everywhere or nowhere.
 */
import { closestName } from '../text-distance';
import { parseInitializer, type InitializerSpec } from './initializers';
import type {
  InitializerValue,
  LayerSpec,
  ParamSchema,
  ParamSpec,
  ParamValue,
  ParamsOf,
  WeightSpec,
} from './types';

/** One problem with one parameter, phrased for the user. */
export interface ParamIssue {
  param: string;
  message: string;
}

export type ParamsResult<S extends ParamSchema = ParamSchema> =
  { ok: true; params: ParamsOf<S> } | { ok: false; issues: ParamIssue[] };

/**
 * Validates `raw` against `spec.params` and fills defaults. Unknown keys are
 * refused (a typo such as `unit` must not pass silently) with a suggestion of
 * the closest known name.
 */
export function validateParams<S extends ParamSchema>(spec: LayerSpec<S>, raw: unknown): ParamsResult<S> {
  if (raw === undefined) raw = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ param: '', message: '"params" must be an object' }] };
  }
  const record = raw as Record<string, unknown>;
  const issues: ParamIssue[] = [];
  const known = Object.keys(spec.params);
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(spec.params, key)) {
      const guess = closestName(key, known);
      const hint = guess ? ` (did you mean "${guess}"?)` : '';
      const list = known.length ? `; ${spec.type} takes ${known.join(', ')}` : `; ${spec.type} takes none`;
      issues.push({ param: key, message: `unknown parameter "${key}"${hint}${list}` });
    }
  }
  const params: Record<string, ParamValue> = {};
  for (const [key, paramSpec] of Object.entries(spec.params)) {
    const value = Object.hasOwn(record, key) ? record[key] : paramSpec.default;
    const message = checkValue(paramSpec, value);
    if (message) issues.push({ param: key, message: `"${key}" ${message}` });
    else params[key] = value as ParamValue;
  }
  // Every key of the schema was checked against its spec just above: this is where the values get their types.
  return issues.length ? { ok: false, issues } : { ok: true, params: params as ParamsOf<S> };
}

/** Returns why `value` does not fit `spec`, or undefined when it does. */
export function checkValue(spec: ParamSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
      if (value < spec.min || value > spec.max)
        return `must be from ${spec.min} to ${spec.max}, got ${value}`;
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
      if (spec.exclusiveMin ? value <= spec.min : value < spec.min) {
        return `must be ${spec.exclusiveMin ? 'above' : 'at least'} ${spec.min}, got ${value}`;
      }
      if (value > spec.max) return `must be at most ${spec.max}, got ${value}`;
      return undefined;
    case 'enum':
      if (typeof value !== 'string' || !spec.options.includes(value)) {
        return `must be one of ${spec.options.join(', ')}, got ${JSON.stringify(value)}`;
      }
      return undefined;
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'intList': {
      if (typeof value === 'number' && spec.scalarAllowed) {
        return checkInt(value, spec.min, spec.max);
      }
      if (!Array.isArray(value)) {
        return spec.scalarAllowed
          ? 'must be a whole number or a list of them'
          : 'must be a list of whole numbers';
      }
      if (value.length < spec.minLength || value.length > spec.maxLength) {
        const range =
          spec.minLength === spec.maxLength ? `${spec.minLength}` : `${spec.minLength} to ${spec.maxLength}`;
        return `must have ${range} entries, got ${value.length}`;
      }
      for (const item of value) {
        const problem = checkInt(item, spec.min, spec.max);
        if (problem) return `entries ${problem}`;
      }
      return undefined;
    }
    case 'initializer': {
      const parsed = parseInitializer(value);
      return parsed.ok ? undefined : parsed.message;
    }
  }
}

function checkInt(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be whole numbers';
  if (value < min || value > max) return `must be from ${min} to ${max}, got ${value}`;
  return undefined;
}

/** Expands an intList param to exactly `length` entries (`3` → `[3, 3]`). */
export function intList(value: number | readonly number[], length: number): number[] {
  if (typeof value === 'number') return Array.from({ length }, () => value);
  return [...value];
}

/** A window param (kernelSize, poolSize, strides) as `[height, width]`: `3` → `[3, 3]`. */
export function pair(value: number | readonly number[]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/**
 * A validated initializer param with its argument resolved. Throws only on a
 * value validateParams would have refused, which never reaches a builder.
 */
export function initializerOf(value: InitializerValue): InitializerSpec {
  const parsed = parseInitializer(value);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** How many numbers `weights` hold: a layer's weight count, bias and moving statistics included. */
export function weightCount(weights: readonly WeightSpec[]): number {
  let total = 0;
  for (const w of weights) total += w.shape.reduce((a, b) => a * b, 1);
  return total;
}
