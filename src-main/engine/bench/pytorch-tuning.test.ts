import { describe, expect, it } from 'vitest';
import { describePytorch, summarize } from './pytorch';
import { bestThreads, median, openblasCoreTypeFor, pytorchEnv, threadCounts } from './pytorch-tuning';

// Abridged /proc/cpuinfo texts: two processors each, as Linux prints them.
const cpuinfo = (flags: string, model = 'AMD EPYC') =>
  [0, 1]
    .map((n) => `processor\t: ${n}\nvendor_id\t: AuthenticAMD\nmodel name\t: ${model}\nflags\t\t: ${flags}\n`)
    .join('\n');
const ZEN4 =
  'fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 avx512f avx512dq avx512cd avx512bw avx512vl';
const HASWELL = 'fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi1 bmi2';
const SANDY = 'fpu sse sse2 ssse3 sse4_1 sse4_2 avx';

describe('openblasCoreTypeFor', () => {
  it('names SkylakeX where the flags have avx512f, Haswell for avx2, nothing below', () => {
    expect(openblasCoreTypeFor(cpuinfo(ZEN4))).toBe('SkylakeX');
    expect(openblasCoreTypeFor(cpuinfo(HASWELL))).toBe('Haswell');
    expect(openblasCoreTypeFor(cpuinfo(SANDY))).toBeUndefined();
    expect(openblasCoreTypeFor('')).toBeUndefined();
  });
  it('reads whole flags only, and only on the flags lines', () => {
    // avx512fp16 or avx512_bf16 alone are not avx512f; a model name is not a flag list.
    expect(openblasCoreTypeFor(cpuinfo(`${HASWELL} avx512_bf16 avx512fp16`))).toBe('Haswell');
    expect(openblasCoreTypeFor(cpuinfo(SANDY, 'Imaginary avx2 avx512f CPU'))).toBeUndefined();
  });
});

describe('pytorchEnv', () => {
  it('sets the core type for the child, drops a pinned L2 size, and leaves the parent alone', () => {
    const parent = { PATH: '/usr/bin', OPENBLAS_CORETYPE: 'Prescott', OPENBLAS_L2_SIZE: '262144' };
    const env = pytorchEnv(parent, 'SkylakeX');
    expect(env).toEqual({ PATH: '/usr/bin', OPENBLAS_CORETYPE: 'SkylakeX' });
    expect(parent).toEqual({ PATH: '/usr/bin', OPENBLAS_CORETYPE: 'Prescott', OPENBLAS_L2_SIZE: '262144' });
  });
  it('passes the environment through unchanged when there is no core type to name', () => {
    const parent = { PATH: '/usr/bin', OPENBLAS_L2_SIZE: '262144' };
    expect(pytorchEnv(parent, undefined)).toEqual(parent);
    expect(pytorchEnv(parent, undefined)).not.toBe(parent);
  });
});

describe('bestThreads', () => {
  it('picks the thread count with the highest median, not the highest single window', () => {
    // Two threads had one lucky window (300) but collapse under load in the others.
    const timings = [
      { threads: 1, rates: [100, 104, 98] },
      { threads: 2, rates: [300, 12, 40] },
    ];
    expect(bestThreads(timings)).toEqual({ threads: 1, stepsPerSec: 100 });
  });
  it('picks more threads when they are faster, whatever order the timings come in', () => {
    const timings = [
      { threads: 4, rates: [150, 170] },
      { threads: 2, rates: [180, 190, 200] },
      { threads: 1, rates: [100] },
    ];
    expect(bestThreads(timings)).toEqual({ threads: 2, stepsPerSec: 190 });
  });
  it('gives a tie to fewer threads, skips counts without timings, and refuses none', () => {
    expect(
      bestThreads([
        { threads: 2, rates: [50] },
        { threads: 1, rates: [50] },
        { threads: 3, rates: [] },
      ]),
    ).toEqual({ threads: 1, stepsPerSec: 50 });
    expect(() => bestThreads([{ threads: 1, rates: [] }])).toThrow(/no PyTorch timings/);
  });
});

describe('threadCounts and median', () => {
  it('tries 1..cores threads', () => {
    expect(threadCounts(2)).toEqual([1, 2]);
    expect(threadCounts(1)).toEqual([1]);
    expect(threadCounts(0)).toEqual([1]);
  });
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('summarize and describePytorch', () => {
  const raw = {
    torch: '1.13.0a0',
    blas: {
      core: 'SkylakeX',
      config: 'OpenBLAS 0.3.21 DYNAMIC_ARCH SkylakeX',
      library: '/usr/lib/libblas.so.3',
    },
    workloads: [
      {
        name: 'W2',
        byThreads: [
          { threads: 1, plain: [120, 110, 130], telemetry: [90, 95, 80] },
          { threads: 2, plain: [150, 20, 160], telemetry: [30, 40, 85] },
        ],
      },
    ],
  };
  it('reports each mode at its own best thread count, with every count kept', () => {
    const run = summarize(raw, [1, 2], 'SkylakeX', 'Cooperlake');
    expect(run.workloads).toEqual([
      {
        name: 'W2',
        stepsPerSec: 150,
        stepsPerSecTelemetry: 90,
        threads: 2,
        threadsTelemetry: 1,
        byThreads: [
          { threads: 1, stepsPerSec: 120, stepsPerSecTelemetry: 90 },
          { threads: 2, stepsPerSec: 150, stepsPerSecTelemetry: 40 },
        ],
      },
    ]);
    expect(run.blas).toMatchObject({ core: 'SkylakeX', coreTypeSet: 'SkylakeX', coreUntuned: 'Cooperlake' });
    expect(describePytorch(run)).toBe(
      'PyTorch 1.13.0a0: OpenBLAS SkylakeX kernels (OPENBLAS_CORETYPE=SkylakeX from the CPU flags; alone it picks Cooperlake), best of 1–2 threads per workload',
    );
  });
  it('says so when PyTorch is not on OpenBLAS or no core type was set', () => {
    expect(describePytorch(summarize({ ...raw, blas: null }, [1], undefined, undefined))).toBe(
      'PyTorch 1.13.0a0: not on OpenBLAS (a slower BLAS), 1 thread',
    );
    expect(describePytorch(summarize(raw, [1, 2], undefined, 'SkylakeX'))).toBe(
      'PyTorch 1.13.0a0: OpenBLAS SkylakeX kernels (as OpenBLAS detects the CPU), best of 1–2 threads per workload',
    );
  });
});
