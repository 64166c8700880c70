/**
 * How long `backflow` takes before it does anything: the commands a user or
 * script runs most often, each started as a fresh process, as a user's shell
 * starts it (without npx, which adds its own start-up on top).
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
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
  /** Its processor time (user + system). */
  nodeCpuMs: number;
  /**
   * Per command, the median wall time from spawn to exit and the median
   * processor time: on a loaded machine the wall time mostly measures the
   * load, the processor time what the command itself costs.
   */
  commands: { command: string; ms: number; cpuMs: number }[];
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
  const node = await medians(runs, ['-e', '0'], root);
  const commands = [];
  for (const command of STARTUP_COMMANDS)
    commands.push({ command, ...(await medians(runs, [bin, ...command.split(' ')], root)) });
  return { bin: relative(root, bin), runs, nodeMs: node.ms, nodeCpuMs: node.cpuMs, commands };
}

/** One line for people: each command's median against the target. */
export function describeStartup(result: StartupResult): string {
  const figures = result.commands
    .map((c) => `${c.command.split(' ')[0]} ${c.ms.toFixed(0)} ms (cpu ${c.cpuMs.toFixed(0)})`)
    .join(', ');
  const over = result.commands.filter((c) => c.ms >= STARTUP_TARGET_MS).length;
  return (
    `startup (node ${result.bin}, median of ${result.runs}): ${figures}; node alone ${result.nodeMs.toFixed(0)} ms (cpu ${result.nodeCpuMs.toFixed(0)}); ` +
    `target < ${STARTUP_TARGET_MS} ms${over ? `: ${over} over` : ': met'}`
  );
}

/**
 * Reports the child's own processor time on its exit, through file descriptor 3
 * (Node cannot read a child's resource usage): the whole process, start-up included.
 */
const CPU_REPORTER =
  "data:text/javascript,import {writeSync} from 'node:fs';" +
  'process.on("exit", () => writeSync(3, JSON.stringify(process.cpuUsage())));';

async function medians(runs: number, args: string[], cwd: string): Promise<{ ms: number; cpuMs: number }> {
  const samples: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeProcess(args, cwd));
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { ms: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)) };
}

/** Wall and processor time of `node args…` from spawn to exit; a failing command is an error, not a figure. */
function timeProcess(args: string[], cwd: string): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', CPU_REPORTER, ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let usage = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    (child.stdio[3] as Readable).on('data', (chunk: Buffer) => (usage += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0)
        return reject(
          new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.trim().split('\n')[0]}`),
        );
      const { user, system } = JSON.parse(usage) as { user: number; system: number };
      resolve({ ms, cpuMs: (user + system) / 1000 });
    });
  });
}
