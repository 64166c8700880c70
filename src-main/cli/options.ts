/** Reading numeric and enumerated command-line options strictly. */
import type { BackendPreference } from '../engine/backend/backend';
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
  const value = Number(raw);
  if (
    typeof raw !== 'string' ||
    !/^\d+$/.test(raw.trim()) ||
    !Number.isSafeInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${String(raw)}"`);
  }
  return value;
}

const BACKENDS: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export function backendOption(values: Record<string, unknown>): BackendPreference {
  const raw = values.backend ?? 'auto';
  if (!BACKENDS.includes(raw as BackendPreference)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${String(raw)}"`);
  }
  return raw as BackendPreference;
}
