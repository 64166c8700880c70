/**
 * Runs experiments: every arm over the same seeds, then every check. An arm
 * shared by two experiments (the deep sigmoid baseline and its BN twin) is
 * trained once per seed and step count.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../package-root';
import { prepareRun } from '../prepare-run';
import type { Check, CheckOutcome } from './checks';
import type { Experiment } from './catalogue';
import { runArm, type ArmRun } from './measure';

/** The folder of the shipped design files the arms name. */
export const EXAMPLES_DIR = join(packageRoot(), 'resources/examples');

/** How to run a suite. */
export interface SuiteOptions {
  /** The short suite (`--quick`): the experiments' quick step counts. */
  quick: boolean;
  /** Seeds per arm: the design's training.seed and the next ones (at least 3). */
  seedCount?: number;
  /** Measure only the initialization and evaluate only the at-init checks (no training). */
  initOnly?: boolean;
  /** Called with one line per finished arm run. */
  onProgress?: (line: string) => void;
}

/** A check with its verdict. */
export type CheckResult = Pick<Check, 'claim' | 'expected' | 'atInit'> & CheckOutcome;

/** What one experiment produced. */
export interface ExperimentResult {
  name: string;
  title: string;
  citation: string;
  note?: string;
  steps: number;
  seeds: number[];
  arms: { id: string; file: string; runs: ArmRun[] }[];
  checks: CheckResult[];
}

/** Runs `experiments` in order; resolves to their results. */
export async function runExperiments(
  experiments: readonly Experiment[],
  options: SuiteOptions,
): Promise<ExperimentResult[]> {
  const cache = new Map<string, Promise<ArmRun>>();
  const results: ExperimentResult[] = [];
  for (const experiment of experiments) {
    const steps = options.initOnly ? 0 : options.quick ? experiment.steps.quick : experiment.steps.full;
    const texts = await Promise.all(
      experiment.arms.map((arm) => readFile(join(EXAMPLES_DIR, arm.file), 'utf8')),
    );
    const baseSeed = (JSON.parse(texts[0]) as { training: { seed: number } }).training.seed;
    const seeds = Array.from({ length: Math.max(3, options.seedCount ?? 3) }, (_, i) => baseSeed + i);
    const arms: ExperimentResult['arms'] = [];
    for (const [index, arm] of experiment.arms.entries()) {
      const runs: ArmRun[] = [];
      for (const seed of seeds) {
        const key = `${arm.file}|${seed}|${steps}|${(arm.probes ?? []).join(',')}`;
        let run = cache.get(key);
        if (!run) {
          run = trainArm(texts[index], arm.file, seed, steps, arm.probes);
          cache.set(key, run);
        }
        const done = await run;
        runs.push(done);
        options.onProgress?.(
          `${experiment.name}: ${arm.id} seed ${seed} — ${steps} steps, ${done.seconds.toFixed(1)} s`,
        );
      }
      arms.push({ id: arm.id, file: arm.file, runs });
    }
    const byArm = Object.fromEntries(arms.map((a) => [a.id, a.runs]));
    const checks = experiment.checks
      .filter((check) => !options.initOnly || check.atInit)
      .map((check) => ({
        claim: check.claim,
        expected: check.expected,
        atInit: check.atInit,
        ...check.evaluate(byArm),
      }));
    results.push({
      name: experiment.name,
      title: experiment.title,
      citation: experiment.citation,
      note: experiment.note,
      steps,
      seeds,
      arms,
      checks,
    });
  }
  return results;
}

async function trainArm(
  text: string,
  file: string,
  seed: number,
  steps: number,
  probes?: string[],
): Promise<ArmRun> {
  const prepared = await prepareRun(text, { designDir: EXAMPLES_DIR, fileName: file, seed });
  if (!prepared.ok) throw new Error(`${file}: ${prepared.error.message}`);
  const { design, data } = prepared.value;
  return runArm(design, data, { seed, steps, probes });
}
