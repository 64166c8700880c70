/**
 * The `training` section of a design: optimizer and schedule. Checked here so
 * the parser, the inspector and the engine agree on what a valid setting is.
 */
import { OPTIMIZERS, type OptimizerName, type TrainingSpec } from './types';
import { didYouMean, MAX_ISSUES, preview, type DesignIssue } from './errors';

/** Defaults filled on load, so every consumer sees the same numbers. */
export const TRAINING_DEFAULTS = { validationSplit: 0.2, momentum: 0.9 } as const;

/** The largest seed: seeds are unsigned 32-bit so every backend's generator accepts them. */
export const MAX_SEED = 2 ** 32 - 1;

/** The keys of `training` in the order they are written. */
export const TRAINING_KEYS = [
  'optimizer',
  'learningRate',
  'batchSize',
  'epochs',
  'seed',
  'validationSplit',
  'momentum',
  'clipNorm',
] as const;

const REQUIRED = ['optimizer', 'learningRate', 'batchSize', 'epochs', 'seed'] as const;

/** The outcome of {@link validateTrainingSpec}; issue paths are relative to `training` (`batchSize`). */
export type TrainingSpecResult = { ok: true; value: TrainingSpec } | { ok: false; issues: DesignIssue[] };

/**
 * Validates a raw `training` object and fills `validationSplit` and
 * `momentum` defaults. Unknown keys are refused, with a suggestion on a typo.
 * Messages name the key (`"batchSize" must be …`) but not the section; the
 * caller adds `training:` in front.
 */
export function validateTrainingSpec(raw: unknown): TrainingSpecResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      issues: [{ path: '', message: 'must be an object with optimizer, learningRate, …' }],
    };
  }
  const record = raw as Record<string, unknown>;
  const issues: DesignIssue[] = [];
  const known: readonly string[] = TRAINING_KEYS;
  for (const key of Object.keys(record)) {
    // The caller keeps at most MAX_ISSUES anyway; stop before suggesting names for a million keys.
    if (issues.length >= MAX_ISSUES) break;
    if (!known.includes(key)) {
      issues.push({
        path: key,
        message: `unknown key ${preview(key)}${didYouMean(key, known)}; training takes ${known.join(', ')}`,
      });
    }
  }
  for (const key of REQUIRED) {
    if (!Object.hasOwn(record, key)) issues.push({ path: key, message: `"${key}" is missing` });
  }
  const check = (key: string, problem: string | undefined): void => {
    if (problem && Object.hasOwn(record, key)) issues.push({ path: key, message: `"${key}" ${problem}` });
  };
  const optimizer = record.optimizer;
  if (typeof optimizer !== 'string' || !(OPTIMIZERS as readonly string[]).includes(optimizer)) {
    const hint = typeof optimizer === 'string' ? didYouMean(optimizer, OPTIMIZERS) : '';
    check('optimizer', `must be one of ${OPTIMIZERS.join(', ')}, got ${preview(optimizer)}${hint}`);
  }
  check('learningRate', realIn(record.learningRate, 0, 10, true, false));
  check('batchSize', intIn(record.batchSize, 1, 4096));
  check('epochs', intIn(record.epochs, 1, 10000));
  check('seed', intIn(record.seed, 0, MAX_SEED));
  check('validationSplit', realIn(record.validationSplit, 0, 1, false, true));
  check('momentum', realIn(record.momentum, 0, 1, false, true));
  check('clipNorm', realIn(record.clipNorm, 0, Number.MAX_VALUE, false, false));
  if (issues.length) return { ok: false, issues };

  const value: TrainingSpec = {
    optimizer: optimizer as OptimizerName,
    learningRate: record.learningRate as number,
    batchSize: record.batchSize as number,
    epochs: record.epochs as number,
    seed: record.seed as number,
    validationSplit: (record.validationSplit as number | undefined) ?? TRAINING_DEFAULTS.validationSplit,
    momentum: (record.momentum as number | undefined) ?? TRAINING_DEFAULTS.momentum,
  };
  if (record.clipNorm !== undefined) value.clipNorm = record.clipNorm as number;
  return { ok: true, value };
}

function intIn(value: unknown, min: number, max: number): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `must be a whole number from ${min} to ${max}, got ${preview(value)}`;
}

/** A finite number between the bounds; `openLow` / `openHigh` exclude the bound itself. */
function realIn(
  value: unknown,
  min: number,
  max: number,
  openLow: boolean,
  openHigh: boolean,
): string | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (openLow ? value > min : value >= min) &&
    (openHigh ? value < max : value <= max);
  if (ok) return undefined;
  const low = openLow ? `above ${min}` : `at least ${min}`;
  const high = max === Number.MAX_VALUE ? '' : openHigh ? ` and below ${max}` : ` and at most ${max}`;
  return `must be a number ${low}${high}, got ${preview(value)}`;
}
