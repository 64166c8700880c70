/**
 * Runs the benchmark workloads with and without every-step telemetry, in
 * one process and alternating the two modes (and which goes first), so the
 * overhead is a ratio of medians taken under the same machine load.
 */
import { analyzeGraph, type GraphAnalysis } from '../../../src-shared/graph';
import { tf } from '../backend/tf';
import { loadData } from '../data';
import { createTrainer } from '../train/trainer';
import type { Workload } from './workloads';

export interface WorkloadResult {
  name: string;
  description: string;
  /** Medians at `threads`, plain and with every-step telemetry. */
  stepsPerSec: number;
  stepsPerSecTelemetry: number;
  /** (time per step with telemetry − without) / without, the median over windows at `threads`; 0.07 is 7 %. */
  telemetryOverhead: number;
  numTensorsStart: number;
  numTensorsEnd: number;
  /** The thread count behind both rates: the fastest with telemetry (1 without a thread pool). */
  threads: number;
  /** Each thread count's medians, as PyTorch's are reported. */
  byThreads: { threads: number; stepsPerSec: number; stepsPerSecTelemetry: number }[];
}

/** Runs the workload's steps on `threads` threads (the WASM backend's pool: all of it, or one). */
export type SetThreads = (threads: number) => void;

export interface BenchOptions {
  /** Timed steps per measurement window. */
  steps: number;
  /** Windows per mode; the median is reported. */
  windows: number;
  onProgress?: (text: string) => void;
  /** The thread counts to time, each in every window (default: [1], the pool as it is). */
  threadCounts?: number[];
  setThreads?: SetThreads;
}

export async function runWorkload(workload: Workload, options: BenchOptions): Promise<WorkloadResult> {
  const { design } = workload;
  const data = await loadData(design.data, { seed: design.training.seed, validationSplit: 0 });
  if (!data.ok) throw new Error(`${workload.name}: ${data.error.message}`);
  const analysis = analyzeGraph(design.graph, {
    outputUnits: data.value.outputUnits,
    dataInputShape: data.value.inputShape,
  });
  if (!analysis.trainable) throw new Error(`${workload.name}: ${analysis.problems[0]?.message}`);
  const numTensorsStart = tf.memory().numTensors;
  const counts = options.threadCounts ?? [1];
  const plain = new Map<number, number[]>(counts.map((c) => [c, []]));
  const withTelemetry = new Map<number, number[]>(counts.map((c) => [c, []]));
  for (let window = 0; window < options.windows; window++) {
    // Alternating which mode (and thread count) goes first cancels what a window leaves to the
    // next (GC debt, caches, a thread pool's spin).
    const order = window % 2 ? [...counts].reverse() : counts;
    for (const threads of order) {
      options.setThreads?.(threads);
      for (const telemetry of window % 2 ? [true, false] : [false, true]) {
        const rate = await timeSteps(workload, data.value, analysis, telemetry, options.steps);
        (telemetry ? withTelemetry : plain).get(threads)!.push(rate);
        const on = counts.length > 1 ? ` on ${threads} thread${threads === 1 ? '' : 's'}` : '';
        options.onProgress?.(
          `${workload.name} window ${window + 1}/${options.windows} ${telemetry ? 'telemetry' : 'plain'}${on}: ${rate.toFixed(1)} steps/s`,
        );
      }
    }
  }
  const byThreads = counts.map((threads) => ({
    threads,
    stepsPerSec: median(plain.get(threads)!),
    stepsPerSecTelemetry: median(withTelemetry.get(threads)!),
  }));
  // One count per workload, the one training in the app would want: the highest median with
  // every-step telemetry (a tie goes to fewer threads, as PyTorch's sweep decides). Both rates
  // and the overhead are that count's, so the overhead still relates the two rates.
  const best = [...byThreads].sort(
    (a, b) => b.stepsPerSecTelemetry - a.stepsPerSecTelemetry || a.threads - b.threads,
  )[0];
  const pairs = plain.get(best.threads)!;
  const pairedTelemetry = withTelemetry.get(best.threads)!;
  return {
    name: workload.name,
    description: workload.description,
    stepsPerSec: best.stepsPerSec,
    stepsPerSecTelemetry: best.stepsPerSecTelemetry,
    // Each window's pair was timed back to back, so its ratio sees one machine load; the
    // median of the ratios resists load that drifts between windows better than a ratio of medians.
    telemetryOverhead: median(pairs.map((rate, i) => rate / pairedTelemetry[i] - 1)),
    numTensorsStart,
    numTensorsEnd: tf.memory().numTensors,
    threads: best.threads,
    byThreads,
  };
}

/** Steps per second over `steps` steps, after a few warm-up steps that are not timed. */
async function timeSteps(
  workload: Workload,
  data: Parameters<typeof createTrainer>[0]['data'],
  analysis: GraphAnalysis,
  telemetry: boolean,
  steps: number,
) {
  const warmup = 3;
  let startedAt = 0;
  let endedAt = 0;
  const trainer = createTrainer({
    design: workload.design,
    data,
    analysis,
    telemetryEvery: telemetry ? 1 : 0,
    maxSteps: warmup + steps,
    // Steps alone, as the PyTorch twin times them (it evaluates nothing between epochs).
    evaluateEpochs: false,
    onEvent: (event) => {
      if (event.type !== 'train.onStep') return;
      if (event.step === warmup - 1) startedAt = performance.now();
      if (event.step === warmup + steps - 1) endedAt = performance.now();
    },
  });
  try {
    await trainer.start();
  } finally {
    trainer.dispose();
  }
  return (steps / (endedAt - startedAt)) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
