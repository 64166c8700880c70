/**
 * What a user tuning their PyTorch would do before a race, as pure functions:
 * name the CPU's core type to OpenBLAS, and keep the thread count that runs
 * fastest for each workload.
 */

/** OpenBLAS core types the bench may name, each the best kernel set for a CPU flag. */
export type OpenblasCoreType = 'SkylakeX' | 'Haswell';

/**
 * The OpenBLAS core type for a CPU, from the text of /proc/cpuinfo: `SkylakeX`
 * (AVX-512 kernels) where the flags have avx512f, `Haswell` (AVX2 + FMA) where
 * they have avx2, else undefined (OpenBLAS's own detection is then as good as it gets).
 * Debian 12's OpenBLAS 0.3.21 does not recognise some recent CPUs and falls
 * back to SSE3 kernels unless told (docs/environment.md).
 */
export function openblasCoreTypeFor(cpuinfo: string): OpenblasCoreType | undefined {
  // Only the flags lines count: a model name such as "… avx2 …" must not.
  const flags = new Set(
    cpuinfo
      .split('\n')
      .filter((line) => /^flags\s*:/.test(line))
      .flatMap((line) =>
        line
          .slice(line.indexOf(':') + 1)
          .trim()
          .split(/\s+/),
      ),
  );
  if (flags.has('avx512f')) return 'SkylakeX';
  if (flags.has('avx2')) return 'Haswell';
  return undefined;
}

/**
 * The PyTorch child's environment: the parent's, with OPENBLAS_CORETYPE set to
 * `coreType` and OPENBLAS_L2_SIZE dropped (a cache size pinned for another
 * core type would mis-size the chosen kernels' blocks); unchanged without a core type.
 * The parent's own environment is never modified.
 */
export function pytorchEnv(
  parent: NodeJS.ProcessEnv,
  coreType: OpenblasCoreType | undefined,
): NodeJS.ProcessEnv {
  if (!coreType) return { ...parent };
  const env: NodeJS.ProcessEnv = { ...parent, OPENBLAS_CORETYPE: coreType };
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** Steps per second at one thread count, one figure per timed window. */
export interface ThreadTimings {
  threads: number;
  rates: number[];
}

/**
 * The thread count whose median rate is highest, and that median. A tie goes to
 * fewer threads (the same speed for less of the machine). Throws on no timings.
 */
export function bestThreads(timings: ThreadTimings[]): { threads: number; stepsPerSec: number } {
  let best: { threads: number; stepsPerSec: number } | undefined;
  for (const { threads, rates } of [...timings].sort((a, b) => a.threads - b.threads)) {
    if (!rates.length) continue;
    const stepsPerSec = median(rates);
    if (!best || stepsPerSec > best.stepsPerSec) best = { threads, stepsPerSec };
  }
  if (!best) throw new Error('no PyTorch timings to choose a thread count from');
  return best;
}

/** The thread counts to try on a machine of `cores` cores: 1..cores. */
export function threadCounts(cores: number): number[] {
  return Array.from({ length: Math.max(1, Math.floor(cores)) }, (_, i) => i + 1);
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
