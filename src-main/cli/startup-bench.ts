/**
 * How long `backflow` takes before it does anything: the commands a user or
 * script runs most often, each started as a fresh process, as a user's shell
 * starts it (without npx, which adds its own start-up on top).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../engine/package-root';

/** The start-up figures `bench` prints and puts in its JSON under `startup`. */
export interface StartupResult {
  /** The script started, relative to the package root: package.json's `bin`. */
  bin: string;
  /** Runs per command; each figure is their median. */
  runs: number;
  /** `node -e 0`: what any Node program costs here, for scale. */
  nodeMs: number;
  commands: { command: string; ms: number }[];
}

/** What is timed: the two that must feel instant, and `validate` on a bundled example. */
export const STARTUP_COMMANDS = [
  '--version',
  '--help',
  'validate resources/examples/deep-sigmoid.backflow.json',
];

/** The budget each command's median should stay under on the development machines. */
export const STARTUP_TARGET_MS = 250;

/** Times each of {@link STARTUP_COMMANDS} `runs` times through package.json's bin. */
export async function measureStartup(runs = 5): Promise<StartupResult> {
  const root = packageRoot();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    bin: { backflow: string };
  };
  const bin = join(root, manifest.bin.backflow);
  const nodeMs = await medianMs(runs, ['-e', '0'], root);
  const commands = [];
  for (const command of STARTUP_COMMANDS)
    commands.push({ command, ms: await medianMs(runs, [bin, ...command.split(' ')], root) });
  return { bin: relative(root, bin), runs, nodeMs, commands };
}

/** One line for people: each command's median against the target. */
export function describeStartup(result: StartupResult): string {
  const figures = result.commands.map((c) => `${c.command.split(' ')[0]} ${c.ms.toFixed(0)} ms`).join(', ');
  const over = result.commands.filter((c) => c.ms >= STARTUP_TARGET_MS).length;
  return (
    `startup (node ${result.bin}, median of ${result.runs}): ${figures}; node alone ${result.nodeMs.toFixed(0)} ms; ` +
    `target < ${STARTUP_TARGET_MS} ms${over ? `: ${over} over` : ': met'}`
  );
}

async function medianMs(runs: number, args: string[], cwd: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeProcess(args, cwd));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Wall time from spawning `node args…` to its exit; a failing command is an error, not a figure. */
function timeProcess(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.trim().split('\n')[0]}`));
    });
  });
}
