/**
 * `backflow reproduce [NAME…] [--quick] [--out DIR] [--backend B]`: trains
 * the literature experiments of resources/examples/, prints per experiment
 * what the paper expects, what was measured and whether the direction held,
 * and writes results.json and results.md. A direction that does not hold is
 * a result, not an error: the exit code is 0 whenever the suite ran.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend } from '../../engine/backend/backend';
import { EXPERIMENTS, findExperiment } from '../../engine/experiments/catalogue';
import {
  alignedTable,
  armTable,
  checkTable,
  divergenceMessages,
  failures,
  toJson,
  toMarkdown,
  type SuiteReport,
} from '../../engine/experiments/report';
import { runExperiments } from '../../engine/experiments/run';
import { REPRODUCE_DEFAULT_OUT } from '../command-table';
import { EXIT, UsageError, type CliIO } from '../io';
import { backendOption } from '../options';

/** Runs the named experiments (all when none is named). */
export async function reproduceCommand(
  names: string[],
  values: Record<string, unknown>,
  io: CliIO,
): Promise<number> {
  const unknown = names.filter((n) => !findExperiment(n));
  if (unknown.length) {
    const known = EXPERIMENTS.map((e) => e.name).join(', ');
    throw new UsageError(`unknown experiment ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${known}`);
  }
  const quick = values.quick === true;
  const outDir = resolve(io.cwd, typeof values.out === 'string' ? values.out : REPRODUCE_DEFAULT_OUT);
  const preference = backendOption(values);
  // The experiments read each step back synchronously, which WebGPU cannot do in Node.
  if (preference === 'webgpu')
    throw new UsageError(
      'reproduce runs on auto, tensorflow, wasm or cpu; --backend webgpu is for train, serve and bench',
    );
  const selected = names.length ? EXPERIMENTS.filter((e) => names.includes(e.name)) : EXPERIMENTS;
  let backend;
  try {
    backend = await initBackend(preference);
  } catch (error) {
    io.err(`backflow reproduce: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  const command = [
    'npx backflow reproduce',
    ...names,
    ...(quick ? ['--quick'] : []),
    ...(typeof values.out === 'string' ? ['--out', values.out] : []),
    ...(values.backend !== undefined ? ['--backend', String(values.backend)] : []),
  ].join(' ');
  io.out(`${command}: ${selected.length} experiments on ${backend.variant}${quick ? ' (quick)' : ''}\n`);
  const started = performance.now();
  const experiments = await runExperiments(selected, {
    quick,
    onProgress: (line) => io.err(`  ${line}\n`),
  });
  const report: SuiteReport = {
    command,
    quick,
    backend: backend.variant,
    finishedAt: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    experiments,
  };
  for (const e of experiments) {
    io.out(`\n${e.name}: ${e.title} (${e.citation}; ${e.steps} steps, seeds ${e.seeds.join(', ')})\n`);
    io.out(`${alignedTable(checkTable(e))}\n\n${alignedTable(armTable(e))}\n`);
    for (const message of divergenceMessages(e)) io.out(`engine: ${message}\n`);
  }
  const failed = failures(report);
  const total = experiments.reduce((n, e) => n + e.checks.length, 0);
  io.out(
    `\n${total - failed.length} of ${total} checks hold` +
      (failed.length
        ? `; not holding: ${failed.map((f) => `${f.experiment} / ${f.claim}`).join('; ')}`
        : '') +
      `\nfinished in ${report.seconds.toFixed(0)} s\n`,
  );
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), toJson(report));
  await writeFile(join(outDir, 'results.md'), toMarkdown(report));
  io.out(`wrote ${join(outDir, 'results.json')} and results.md\n`);
  return EXIT.ok;
}
