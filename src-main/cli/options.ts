/** Reading numeric and enumerated command-line options strictly. */
import type { BackendPreference } from '../engine/backend/backend';
import { formatCount } from '../../src-shared/graph';
import { UsageError } from './io';

/** A whole number from `min` to `max`, or undefined when the option is absent. */
export function intOption(
  values: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = Number(text);
  const why =
    text === ''
      ? 'it is empty'
      : !Number.isFinite(value)
        ? `"${text}" is not a number`
        : !Number.isInteger(value)
          ? `${text} is not a whole number`
          : value < min
            ? value < 0
              ? `${text} is negative`
              : `${text} is below ${big(min)}`
            : value > max
              ? `${text} is above ${big(max)}`
              : !/^\d+$/.test(text)
                ? `write "${text}" as plain digits`
                : undefined;
  if (why !== undefined) {
    throw new UsageError(`--${name} must be a whole number from ${big(min)} to ${big(max)}; ${why}`);
  }
  return value;
}

/** Millions with separators (10,000,000); a port stays 65535. */
const big = (n: number) => (n >= 1_000_000 ? formatCount(n) : String(n));

const BACKENDS: readonly BackendPreference[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export function backendOption(values: Record<string, unknown>): BackendPreference {
  const raw = values.backend ?? 'auto';
  if (!BACKENDS.includes(raw as BackendPreference)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${String(raw)}"`);
  }
  return raw as BackendPreference;
}
