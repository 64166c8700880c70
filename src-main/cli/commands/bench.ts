/**
 * `backflow bench`: the benchmark suite, as a table or (`--json`) one JSON
 * object: how fast the command starts, then the training workloads.
 */
import {
  hardwareWebGpu,
  initBackend,
  threadsSetByHand,
  type BackendChoice,
} from '../../engine/backend/backend';
import {
  describePytorch,
  openPytorchSession,
  type PytorchResult,
  type PytorchRun,
  type PytorchSession,
} from '../../engine/bench/pytorch';
import {
  measurePreviewLatency,
  PREVIEW_EDITS,
  type PreviewLatencyResult,
} from '../../engine/bench/preview-latency';
import { runWorkload, type BenchOptions, type WorkloadResult } from '../../engine/bench/run-bench';
import { threadPool } from '../../engine/backend/wasm-threads';
import { convolutional, useThreads } from '../../engine/backend/thread-choice';
import type { Design } from '../../../src-shared/design/types';
import { tf } from '../../engine/backend/tf';
import { WORKLOADS } from '../../engine/bench/workloads';
import { statsImplementation } from '../../engine/telemetry/stats-kernel';
import { BENCH_DEFAULT_STEPS, BENCH_DEFAULT_WINDOWS } from '../command-table';
import { EXIT, UsageError, type CliIO } from '../io';
import { backendOption, intOption } from '../options';
import { describeStartup, measureStartup, type StartupResult } from '../startup-bench';

/** The pseudo-workload that times the command's own start (`--workloads startup`). */
const STARTUP = 'startup';

/** The `--workloads` name of the preview-latency figure. */
const PREVIEW = 'preview';

export async function benchCommand(values: Record<string, unknown>, io: CliIO): Promise<number> {
  const steps = intOption(values, 'steps', 1, 100_000) ?? BENCH_DEFAULT_STEPS;
  // Each window times both modes back to back; the overhead is the median of their ratios,
  // so more windows resist the load of a shared machine better (9 × 2 × 40 steps of W4: ~1.5 min).
  const windows = intOption(values, 'windows', 1, 1000) ?? BENCH_DEFAULT_WINDOWS;
  const known = [STARTUP, ...WORKLOADS.map((w) => w.name), PREVIEW];
  const names =
    typeof values.workloads === 'string' ? values.workloads.split(',').map((s) => s.trim()) : known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new UsageError(`unknown workload ${unknown.join(', ')}; choose from ${known.join(', ')}`);
  const backend = await initBackend(backendOption(values));
  const json = values.json === true;
  const log = (text: string) => (json ? io.err(`${text}\n`) : io.out(`${text}\n`));
  log(
    `backend: ${backend.variant}${backend.attempts
      .filter((a) => !a.ok)
      .map((a) => ` (${a.candidate} unavailable: ${a.reason})`)
      .join('')}`,
  );
  const pool = backend.name === 'wasm' ? threadPool() : undefined;
  const poolStartedAll = (pool?.threads() ?? 1) > 1;
  if (pool && pool.size > 1)
    log(
      threadsSetByHand()
        ? `threads: ${pool.size} (BACKFLOW_WASM_THREADS)`
        : `threads: each workload timed on 1 and ${pool.size} (the threaded SIMD build's pool); the faster with telemetry is reported`,
    );
  log(`telemetry statistics: ${STATISTICS_BY[statsImplementation()]}`);
  let pytorchSession: PytorchSession | undefined;
  if (values.pytorch === true) {
    try {
      pytorchSession = await openPytorchSession();
    } catch (error) {
      log(`PyTorch comparison skipped: ${(error as Error).message}`);
    }
  }
  let startup: StartupResult | undefined;
  if (names.includes(STARTUP)) {
    startup = await measureStartup(windows);
    log(describeStartup(startup));
  }
  const results: WorkloadResult[] = [];
  let pytorch: PytorchRun | undefined;
  for (const workload of WORKLOADS.filter((w) => names.includes(w.name))) {
    const result = await runWorkload(workload, { steps, windows, ...threadSweep(workload.design) });
    if (pool) useThreads(pool, poolStartedAll, {});
    results.push(result);
    if (!json) log(formatRow(result));
    if (!pytorchSession) continue;
    // Each workload's PyTorch twin runs right after it, so both sides see much the same machine load.
    try {
      const run = await pytorchSession.run([workload.name], steps, windows);
      if (!pytorch) log(describePytorch(run));
      pytorch = pytorch ? { ...pytorch, workloads: [...pytorch.workloads, ...run.workloads] } : run;
      for (const p of run.workloads) log(formatPytorchRow(result, p, pytorch.torch));
    } catch (error) {
      log(`PyTorch comparison skipped: ${(error as Error).message}`);
      pytorchSession = undefined;
    }
  }
  // With `auto`, a hardware GPU gets the same workloads after the CPU backend's run (issue: W4 on a GPU).
  const gpu =
    backendOption(values) === 'auto' && results.length
      ? await webgpuComparison(backend, results, { steps, windows }, log, json)
      : undefined;
  // The preview's latency has a figure of its own (the JSON's `preview`), measured when asked for.
  const preview = names.includes(PREVIEW) ? await measurePreviewLatency({ repeats: windows }) : undefined;
  if (preview && !json) log(formatPreview(preview));
  if (json)
    io.out(
      `${JSON.stringify({ backend: backend.variant, workloads: results, ...(startup ? { startup } : {}), ...(pytorch ? { pytorch } : {}), ...(gpu ? { webgpu: gpu } : {}), ...(preview ? { preview } : {}) })}\n`,
    );
  return EXIT.ok;
}

/** The workloads on WebGPU, next to the CPU backend's figures. */
export interface WebGpuComparison {
  device: string;
  workloads: WorkloadResult[];
}

/**
 * Runs `cpuResults`' workloads again on a hardware WebGPU adapter, if there is
 * one, and says how they compare; then puts the CPU backend back. A software
 * adapter is not timed (it is slower than the CPU backends by design).
 */
async function webgpuComparison(
  cpu: BackendChoice,
  cpuResults: WorkloadResult[],
  options: { steps: number; windows: number },
  log: (text: string) => void,
  json: boolean,
): Promise<WebGpuComparison | undefined> {
  const gpu = await hardwareWebGpu(false);
  if (!gpu.attempt.ok) {
    log(`webgpu comparison skipped: ${gpu.attempt.reason}`);
    return undefined;
  }
  const workloads: WorkloadResult[] = [];
  try {
    await initBackend('webgpu');
    for (const cpuResult of cpuResults) {
      const workload = WORKLOADS.find((w) => w.name === cpuResult.name)!;
      const result = await runWorkload(workload, options);
      workloads.push(result);
      if (!json) log(formatGpuRow(result, cpuResult, cpu.variant, gpu.device ?? 'webgpu'));
    }
  } catch (error) {
    log(`webgpu comparison stopped: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await initBackend(
      cpu.variant === 'tensorflow-gpu' ? 'tensorflow' : (cpu.name as 'wasm' | 'cpu' | 'tensorflow'),
    );
  }
  return { device: gpu.device ?? '', workloads };
}

/** "W4 on webgpu (nvidia …): 41.0 steps/s, 38.2 with telemetry; 3.10× wasm plain, 2.90× with telemetry". */
export function formatGpuRow(
  gpu: WorkloadResult,
  cpu: WorkloadResult,
  cpuName: string,
  device: string,
): string {
  return (
    `${gpu.name} on webgpu (${device}): ${gpu.stepsPerSec.toFixed(1)} steps/s, ${gpu.stepsPerSecTelemetry.toFixed(1)} with telemetry; ` +
    `${(gpu.stepsPerSec / cpu.stepsPerSec).toFixed(2)}× ${cpuName} plain, ${(gpu.stepsPerSecTelemetry / cpu.stepsPerSecTelemetry).toFixed(2)}× with telemetry`
  );
}

const STATISTICS_BY = {
  'wasm-simd': "one SIMD WebAssembly pass per tensor, on the WASM backend's own memory",
  loops: "one JavaScript pass per tensor, on the backend's own memory",
  ops: 'tfjs ops on the backend, grouped by shape',
} as const;

/** "1: 43.5, 2: 53.8": each thread count's rate, as both sides' sweeps print them. */
function byThreadsText<T extends { threads: number }>(rows: readonly T[], pick: (row: T) => number): string {
  return rows.map((t) => `${t.threads}: ${pick(t).toFixed(1)}`).join(', ');
}

function formatRow(r: WorkloadResult): string {
  const counts = (pick: (t: WorkloadResult['byThreads'][number]) => number) =>
    byThreadsText(r.byThreads, pick);
  const threads =
    r.byThreads.length > 1
      ? ` on ${plural(r.threads)} (by threads ${counts((t) => t.stepsPerSec)} plain, ${counts((t) => t.stepsPerSecTelemetry)} with telemetry)`
      : '';
  return (
    `${r.name} ${r.description}: ${r.stepsPerSec.toFixed(1)} steps/s, ${r.stepsPerSecTelemetry.toFixed(1)} with telemetry${threads} ` +
    `(overhead ${(r.telemetryOverhead * 100).toFixed(1)} %), tensors ${r.numTensorsStart} → ${r.numTensorsEnd}`
  );
}

/**
 * On the threaded WebAssembly backend every workload is timed on one thread and on all
 * (XNNPACK's pool for a CNN, gemm.wat's helpers for an MLP: useThreads), and the better
 * kept (as PyTorch gets the best of 1..N), unless BACKFLOW_WASM_THREADS fixed the count.
 * The threads are put back as they were after each workload.
 */
function threadSweep(design: Design): Pick<BenchOptions, 'threadCounts' | 'setThreads'> {
  const pool = threadPool();
  if (tf.getBackend() !== 'wasm' || !pool || pool.size === 1) return {};
  const trial = { convolutional: convolutional(design) };
  if (threadsSetByHand()) {
    useThreads(pool, true, trial);
    return {};
  }
  return { threadCounts: [1, pool.size], setThreads: (threads) => useThreads(pool, threads > 1, trial) };
}

function formatPytorchRow(r: WorkloadResult, p: PytorchResult, torch: string): string {
  const counts = (pick: (t: PytorchResult['byThreads'][number]) => number) =>
    byThreadsText(p.byThreads, pick);
  return (
    `${r.name} PyTorch ${torch}: ${p.stepsPerSec.toFixed(1)} steps/s with ${plural(p.threads)} (by threads ${counts((t) => t.stepsPerSec)}), ` +
    `${p.stepsPerSecTelemetry.toFixed(1)} with the same statistics with ${plural(p.threadsTelemetry)} (${counts((t) => t.stepsPerSecTelemetry)}); ` +
    `Backflow/PyTorch ${(r.stepsPerSec / p.stepsPerSec).toFixed(2)} plain, ${(r.stepsPerSecTelemetry / p.stepsPerSecTelemetry).toFixed(2)} with telemetry`
  );
}

function formatPreview(p: PreviewLatencyResult): string {
  const each = PREVIEW_EDITS.map((edit) => `${edit} ${p.medianMs[edit].toFixed(0)} ms`).join(', ');
  return `preview at init, ${p.description}: median ${each}; slowest ${p.maxMs.toFixed(0)} ms (target ≤ 300 ms)`;
}

function plural(threads: number): string {
  return `${threads} thread${threads === 1 ? '' : 's'}`;
}
