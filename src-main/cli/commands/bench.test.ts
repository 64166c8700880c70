/**
 * `bench --pytorch` against the real PyTorch child (Debian's python3-torch,
 * which CI installs): the JSON keeps its contract fields and adds what PyTorch
 * ran on, and the core type reaches the child's OpenBLAS without touching this
 * process's environment.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { PytorchRun } from '../../engine/bench/pytorch';
import { openblasCoreTypeFor } from '../../engine/bench/pytorch-tuning';
import { captureIO } from '../test-io';
import { benchCommand, formatGpuRow } from './bench';

function hasTorch(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('backflow bench --pytorch', () => {
  // Needs Debian's python3-torch to race against (.ci/run installs it); without it there is nothing to compare.
  it.skipIf(!hasTorch())(
    'prints PyTorch at its best thread count on the named OpenBLAS core, in the JSON and in words',
    async () => {
      const envBefore = { ...process.env };
      const io = captureIO();
      const values = {
        json: true,
        pytorch: true,
        backend: 'wasm',
        workloads: 'W1',
        steps: '2',
        windows: '1',
      };
      const code = await benchCommand(values, io);
      expect(code, io.stderr()).toBe(0);
      expect(process.env).toEqual(envBefore);
      const result = JSON.parse(io.stdout()) as { pytorch: PytorchRun };
      expect(Object.keys(result)).toEqual(['backend', 'workloads', 'pytorch']);
      const { pytorch } = result;
      expect(pytorch.torch).toMatch(/^\d+\.\d+/);
      const cores = availableParallelism();
      expect(pytorch.threadCounts).toEqual(Array.from({ length: cores }, (_, i) => i + 1));
      expect(pytorch.workloads).toHaveLength(1);
      const w1 = pytorch.workloads[0];
      expect(w1.name).toBe('W1');
      expect(w1.stepsPerSec).toBeGreaterThan(0);
      expect(w1.stepsPerSecTelemetry).toBeGreaterThan(0);
      expect(w1.byThreads.map((t) => t.threads)).toEqual(pytorch.threadCounts);
      // Each reported figure is its chosen count's own median, and no other count beat it.
      expect(w1.byThreads.find((t) => t.threads === w1.threads)?.stepsPerSec).toBe(w1.stepsPerSec);
      expect(w1.byThreads.find((t) => t.threads === w1.threadsTelemetry)?.stepsPerSecTelemetry).toBe(
        w1.stepsPerSecTelemetry,
      );
      for (const t of w1.byThreads) {
        expect(t.stepsPerSec).toBeLessThanOrEqual(w1.stepsPerSec);
        expect(t.stepsPerSecTelemetry).toBeLessThanOrEqual(w1.stepsPerSecTelemetry);
      }
      // The child's OpenBLAS says which kernels it ran: the ones named from the CPU flags.
      const coreType = openblasCoreTypeFor(
        existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '',
      );
      if (pytorch.blas && coreType) {
        expect(pytorch.blas.coreTypeSet).toBe(coreType);
        expect(pytorch.blas.core).toBe(coreType);
        expect(io.stderr()).toContain(
          `OpenBLAS ${coreType} kernels (OPENBLAS_CORETYPE=${coreType} from the CPU flags`,
        );
      }
      expect(io.stderr()).toMatch(/W1 PyTorch \S+: [\d.]+ steps\/s with \d threads? \(by threads 1: [\d.]+/);
      expect(io.stderr()).toMatch(/Backflow\/PyTorch [\d.]+ plain, [\d.]+ with telemetry/);
    },
    120_000,
  );
});

describe('bench on WebGPU', () => {
  const result = (stepsPerSec: number, stepsPerSecTelemetry: number) => ({
    name: 'W4',
    description: 'a CNN',
    stepsPerSec,
    stepsPerSecTelemetry,
    telemetryOverhead: stepsPerSec / stepsPerSecTelemetry - 1,
    numTensorsStart: 0,
    numTensorsEnd: 0,
    threads: 1,
    byThreads: [{ threads: 1, stepsPerSec, stepsPerSecTelemetry }],
  });

  it('puts a workload on the GPU beside the CPU run it is compared with', () => {
    expect(formatGpuRow(result(41, 38), result(4, 3.8), 'wasm', 'nvidia ampere (RTX 3060)')).toBe(
      'W4 on webgpu (nvidia ampere (RTX 3060)): 41.0 steps/s, 38.0 with telemetry; 10.25× wasm plain, 10.00× with telemetry',
    );
  });

  it('says why the GPU comparison was not run on a machine without a hardware adapter', async () => {
    const io = captureIO();
    const code = await benchCommand({ workloads: 'W1', steps: '2', windows: '1' }, io);
    expect(code, io.stderr()).toBe(0);
    // Here: no GPU device node, or (with Chromium's SwiftShader configured) a software adapter.
    expect(io.stdout()).toMatch(
      /^webgpu comparison skipped: (no GPU device|software adapter|no WebGPU adapter|the webgpu package)/m,
    );
  });
});
