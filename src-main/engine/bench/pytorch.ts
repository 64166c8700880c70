/**
 * Running the PyTorch twin of the workloads (pytorch_reference.py) in the
 * same benchmark run, so Backflow's figures are compared with PyTorch's under
 * the same machine load. Uses Debian's python3-torch where it is installed,
 * tuned as a user would: OpenBLAS told the CPU's core type, and the best of
 * 1..N threads for each workload.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  bestThreads,
  median,
  openblasCoreTypeFor,
  pytorchEnv,
  threadCounts,
  type OpenblasCoreType,
} from './pytorch-tuning';

/** One workload's PyTorch figures: the best thread count's medians, and every count's. */
export interface PytorchResult {
  name: string;
  stepsPerSec: number;
  stepsPerSecTelemetry: number;
  /** The thread count behind `stepsPerSec`. */
  threads: number;
  /** The thread count behind `stepsPerSecTelemetry` (chosen separately: PyTorch's best for each). */
  threadsTelemetry: number;
  byThreads: { threads: number; stepsPerSec: number; stepsPerSecTelemetry: number }[];
}

/** The BLAS the PyTorch child ran on, as that process itself reports it. */
export interface PytorchBlas {
  /** OpenBLAS's kernel set in the timed process (`openblas_get_corename`), e.g. "SkylakeX". */
  core: string;
  config: string;
  library: string;
  /** The OPENBLAS_CORETYPE the bench set for the child, if any. */
  coreTypeSet?: OpenblasCoreType;
  /** The kernel set OpenBLAS picks in the inherited environment, without the bench's setting. */
  coreUntuned?: string;
}

export interface PytorchRun {
  torch: string;
  /** Null when PyTorch does not run on OpenBLAS (Debian's reference BLAS, say). */
  blas: PytorchBlas | null;
  threadCounts: number[];
  workloads: PytorchResult[];
}

interface RawRun {
  torch: string;
  blas: { core: string; config: string; library: string } | null;
  workloads?: { name: string; byThreads: { threads: number; plain: number[]; telemetry: number[] }[] }[];
}

const SCRIPT = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));

/** A PyTorch bench session: the interpreter, the tuned environment and what OpenBLAS does alone. */
export interface PytorchSession {
  /** Times the named workloads at every thread count, `windows` windows of `steps` steps each. */
  run(names: string[], steps: number, windows: number): Promise<PytorchRun>;
}

/**
 * Prepares the PyTorch side: picks the core type from /proc/cpuinfo and asks an
 * untuned child which kernels OpenBLAS would use by itself. Rejects with a plain
 * message when PyTorch is unavailable.
 */
export async function openPytorchSession(cores = availableParallelism()): Promise<PytorchSession> {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const coreType = openblasCoreTypeFor(cpuinfo);
  const env = pytorchEnv(process.env, coreType);
  const counts = threadCounts(cores);
  const untuned = await runScript(python, ['0', 'probe'], process.env);
  return {
    async run(names, steps, windows) {
      const args = [String(steps), names.join(','), String(windows), counts.join(',')];
      return summarize(await runScript(python, args, env), counts, coreType, untuned.blas?.core);
    },
  };
}

/** Medians per thread count and the best count per mode, from the child's raw timings. */
export function summarize(
  raw: RawRun,
  counts: number[],
  coreType: OpenblasCoreType | undefined,
  coreUntuned: string | undefined,
): PytorchRun {
  return {
    torch: raw.torch,
    blas: raw.blas
      ? {
          ...raw.blas,
          ...(coreType ? { coreTypeSet: coreType } : {}),
          ...(coreUntuned ? { coreUntuned } : {}),
        }
      : null,
    threadCounts: counts,
    workloads: (raw.workloads ?? []).map(({ name, byThreads }) => {
      const plain = bestThreads(byThreads.map((t) => ({ threads: t.threads, rates: t.plain })));
      const telemetry = bestThreads(byThreads.map((t) => ({ threads: t.threads, rates: t.telemetry })));
      return {
        name,
        stepsPerSec: plain.stepsPerSec,
        stepsPerSecTelemetry: telemetry.stepsPerSec,
        threads: plain.threads,
        threadsTelemetry: telemetry.threads,
        byThreads: byThreads.map((t) => ({
          threads: t.threads,
          stepsPerSec: median(t.plain),
          stepsPerSecTelemetry: median(t.telemetry),
        })),
      };
    }),
  };
}

/** One line saying what PyTorch ran on, e.g. "PyTorch 1.13: OpenBLAS SkylakeX kernels (…), best of 1–2 threads". */
export function describePytorch(run: PytorchRun): string {
  const range =
    run.threadCounts.length > 1
      ? `best of ${run.threadCounts[0]}–${run.threadCounts[run.threadCounts.length - 1]} threads per workload`
      : `${run.threadCounts[0]} thread`;
  if (!run.blas) return `PyTorch ${run.torch}: not on OpenBLAS (a slower BLAS), ${range}`;
  const { core, coreTypeSet, coreUntuned } = run.blas;
  const how = coreTypeSet
    ? `OPENBLAS_CORETYPE=${coreTypeSet} from the CPU flags${coreUntuned && coreUntuned !== core ? `; alone it picks ${coreUntuned}` : ''}`
    : 'as OpenBLAS detects the CPU';
  return `PyTorch ${run.torch}: OpenBLAS ${core} kernels (${how}), ${range}`;
}

function runScript(python: string, args: string[], env: NodeJS.ProcessEnv): Promise<RawRun> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [SCRIPT, ...args],
      { env, maxBuffer: 1 << 22, timeout: 60 * 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          const missing = /No module named 'torch'/.test(stderr);
          reject(
            new Error(
              missing
                ? 'PyTorch is not installed (Debian: apt-get install python3-torch libopenblas0-pthread)'
                : `the PyTorch reference failed: ${stderr.trim().split('\n').pop() || error.message}`,
            ),
          );
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop()!) as RawRun);
        } catch {
          reject(new Error('the PyTorch reference printed no result'));
        }
      },
    );
  });
}
