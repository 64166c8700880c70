/**
 * The kinds of check an experiment makes, as small constructors: a closed
 * form averaged over seeds, and a direction that must hold seed by seed.
 * Each returns what was measured in words, so the report shows numbers, not
 * only a verdict.
 */
import type { ArmRun } from './measure';
import { geometricMean, mean } from './metrics';

/** The runs of every arm of an experiment, by arm id; index i is the same seed in every arm. */
export type ArmRuns = Record<string, ArmRun[]>;

/** The verdict of one check. */
export interface CheckOutcome {
  /** The measurement in words, e.g. "1.75 (mean of 3 seeds)". */
  measured: string;
  holds: boolean;
  /** For per-seed directions: seeds where it held, of how many. */
  seeds?: { held: number; of: number };
}

/** One claim of an experiment. */
export interface Check {
  /** What is compared, e.g. "decay per layer, standard init". */
  claim: string;
  /** What the paper (or the closed form) says. */
  expected: string;
  /** True when the check reads only the step-0 telemetry (no training needed). */
  atInit: boolean;
  evaluate(runs: ArmRuns): CheckOutcome;
}

/** Formats a ratio or loss compactly: 3 significant digits, exponent form outside [0.01, 1000). */
export function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 0.01 || magnitude >= 1000)) return value.toExponential(1);
  return value.toPrecision(3);
}

/**
 * The per-layer decay of the back-propagated gradient at step 0, averaged
 * (arithmetic mean) over seeds, within `tolerance` (relative) of `predicted`.
 */
export function closedForm(arm: string, predicted: number, expected: string, tolerance = 0.2): Check {
  return {
    claim: `${arm}: decay of ‖∂L/∂h‖ per layer at init`,
    expected: `${expected} (within ${Math.round(tolerance * 100)} %)`,
    atInit: true,
    evaluate(runs) {
      const values = runs[arm].map((r) => r.init.decayPerLayer);
      const average = mean(values);
      const error = Math.abs(average - predicted) / predicted;
      return {
        measured: `${fmt(average)} (mean of ${values.length} seeds; ${fmt(error * 100)} % off ${fmt(predicted)})`,
        holds: error <= tolerance,
      };
    },
  };
}

/**
 * A direction that must hold for every seed. `test` sees the runs of one seed
 * (by arm id) and returns whether it held and the values to show; the
 * measured text shows each value's mean over seeds: geometric for gradient
 * ratios (`average: 'geometric'`, as in the arm tables), else arithmetic.
 */
export function everySeed(
  claim: string,
  expected: string,
  atInit: boolean,
  test: (seed: Record<string, ArmRun>) => { holds: boolean; values: Record<string, number> },
  average: 'geometric' | 'arithmetic' = 'arithmetic',
): Check {
  return {
    claim,
    expected,
    atInit,
    evaluate(runs) {
      const arms = Object.keys(runs);
      const count = runs[arms[0]].length;
      const outcomes = Array.from({ length: count }, (_, i) =>
        test(Object.fromEntries(arms.map((a) => [a, runs[a][i]]))),
      );
      const held = outcomes.filter((o) => o.holds).length;
      const names = Object.keys(outcomes[0]?.values ?? {});
      const summary = names.map((name) => {
        const values = outcomes.map((o) => o.values[name]);
        const positive = values.every((v) => v > 0 && Number.isFinite(v));
        const all = average === 'geometric' && positive ? geometricMean(values) : mean(values);
        return `${name} ${fmt(all)}`;
      });
      return {
        measured: `${summary.join(', ')} (${held}/${count} seeds)`,
        holds: held === count,
        seeds: { held, of: count },
      };
    },
  };
}

/** Training loss at the end (batch loss over the last tenth of the steps); a diverged run counts as infinitely bad. */
export function lossOf(run: ArmRun): number {
  return run.diverged ? Infinity : run.batchLoss;
}

/** `a`'s value is below `b`'s for every seed. */
export function below(
  claim: string,
  expected: string,
  a: string,
  b: string,
  value: (run: ArmRun) => number,
  atInit = false,
  average: 'geometric' | 'arithmetic' = 'arithmetic',
): Check {
  return everySeed(
    claim,
    expected,
    atInit,
    (seed) => {
      const va = value(seed[a]);
      const vb = value(seed[b]);
      return { holds: va < vb, values: { [a]: va, [b]: vb } };
    },
    average,
  );
}

/**
 * How far the band mean ± std of a probed node's output moved between the
 * first and the last sample: the larger of the shifts of its two edges (for a
 * Gaussian, about the 16th and 84th percentiles Ioffe & Szegedy plot).
 */
export function bandDrift(run: ArmRun, probe: string): number {
  const samples = run.probes[probe] ?? [];
  if (samples.length < 2) return NaN;
  const first = samples[0];
  const last = samples[samples.length - 1];
  return Math.max(
    Math.abs(last.mean - last.std - (first.mean - first.std)),
    Math.abs(last.mean + last.std - (first.mean + first.std)),
  );
}
