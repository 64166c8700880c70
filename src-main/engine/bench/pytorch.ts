/**
 * Running the PyTorch twin of the workloads (pytorch_reference.py) in the
 * same benchmark run, so Backflow's figures are compared with PyTorch's under
 * the same machine load. Uses Debian's python3-torch where it is installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PytorchResult {
  name: string;
  stepsPerSec: number;
  stepsPerSecTelemetry: number;
}

const SCRIPT = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));
const PYTHON = ['/usr/bin/python3', 'python3'];

/**
 * OpenBLAS in Debian 12 does not recognise recent CPUs and falls back to slow
 * SSE3 kernels unless told the core type (environment.md): name it from the
 * CPU flags, as a user tuning their PyTorch would.
 */
function openblasCoreType(): string | undefined {
  if (!existsSync('/proc/cpuinfo')) return undefined;
  const flags = readFileSync('/proc/cpuinfo', 'utf8');
  if (/\bavx512f\b/.test(flags)) return 'SkylakeX';
  if (/\bavx2\b/.test(flags)) return 'Haswell';
  return undefined;
}

/** Runs the PyTorch workloads; rejects with a plain message when PyTorch is unavailable. */
export async function runPytorchReference(
  steps: number,
  names: string[],
): Promise<{ torch: string; workloads: PytorchResult[] }> {
  const python = PYTHON.find((p) => (p.includes('/') ? existsSync(p) : true))!;
  const coreType = process.env.OPENBLAS_CORETYPE ?? openblasCoreType();
  const env = { ...process.env, ...(coreType ? { OPENBLAS_CORETYPE: coreType } : {}) };
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [SCRIPT, String(steps), names.join(',')],
      { env, maxBuffer: 1 << 20, timeout: 30 * 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          const missing = /No module named 'torch'/.test(stderr);
          reject(
            new Error(
              missing
                ? 'PyTorch is not installed (Debian: apt-get install python3-torch libopenblas0-pthread)'
                : `the PyTorch reference failed: ${stderr.trim().split('\n').pop()}`,
            ),
          );
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop()!));
        } catch {
          reject(new Error('the PyTorch reference printed no result'));
        }
      },
    );
  });
}
