/**
 * The threaded WebAssembly build started in Node (wasm-threads.ts): it runs on
 * more than one thread, its pool switches to one thread and back, the numbers
 * do not depend on the thread count (whole runs with every-step telemetry,
 * compared bit for bit), and the telemetry's SIMD kernel runs on its shared memory.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src-shared/graph';
import type { Design } from '../../../src-shared/design/types';
import type { TrainerEvent } from '../train/trainer';
import { createTrainer } from '../train/trainer';
import { loadData } from '../data';
import type { LoadedData } from '../data/types';
import { WORKLOADS } from '../bench/workloads';
import { NETWORKS } from '../reference/networks';
import { statsImplementation } from '../telemetry/stats-kernel';
import { STATS_WASM_BASE64 } from '../telemetry/stats-wasm.generated';
import { importingSharedMemory } from './heap-module';
import { initBackend, threadedWasmFailure, wasmThreads } from './backend';
import { tf } from './tf';
import { productHelperThreads } from '../model/heap-products';
import { convolutional, useThreads } from './thread-choice';
import { threadPool, threadpoolAddress } from './wasm-threads';

const wasmFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
const binary = (name: string) => readFileSync(join(wasmFolder, name));

describe('the pool pointer in the threaded binary', () => {
  it('is found in the threaded build, where get_threads_count loads it', () => {
    const address = threadpoolAddress(binary('tfjs-backend-wasm-threaded-simd.wasm'));
    expect(address).toBeGreaterThan(0);
    expect(address! % 4).toBe(0);
  });

  it('is not made up for modules without the function, or for bytes that are no module', () => {
    expect(threadpoolAddress(Buffer.from(STATS_WASM_BASE64, 'base64'))).toBeUndefined();
    expect(threadpoolAddress(Buffer.from('not a module at all'))).toBeUndefined();
  });
});

describe('how many threads', () => {
  it('is every core up to eight, unless BACKFLOW_WASM_THREADS says', () => {
    expect(wasmThreads({}, 2)).toBe(2);
    expect(wasmThreads({}, 64)).toBe(8);
    expect(wasmThreads({ BACKFLOW_WASM_THREADS: '1' }, 16)).toBe(1);
    expect(wasmThreads({ BACKFLOW_WASM_THREADS: '3' }, 2)).toBe(3);
    expect(wasmThreads({ BACKFLOW_WASM_THREADS: 'many' }, 2)).toBe(2);
  });
});

describe('the shared-memory variant of the statistics kernel', () => {
  it('validates and runs over a shared memory, which the plain one refuses', () => {
    const plain = Buffer.from(STATS_WASM_BASE64, 'base64');
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(plain), { tfjs: { memory: shared } }),
    ).toThrow();
    const module = new WebAssembly.Module(importingSharedMemory(plain));
    const instance = new WebAssembly.Instance(module, { tfjs: { memory: shared } });
    expect(typeof instance.exports.layerStats).toBe('function');
  });
});

// The threaded build on two threads, whatever this machine has (a one-core machine still runs it).
process.env.BACKFLOW_WASM_THREADS = '2';
await initBackend('wasm');
const pool = threadPool();

/** The data a workload trains on. */
async function workloadData(design: Design): Promise<LoadedData> {
  const data = await loadData(design.data, { seed: design.training.seed, validationSplit: 0 });
  if (!data.ok) throw new Error(data.error.message);
  return data.value;
}

/** Every step event of `steps` steps of `design` with every-step telemetry, on the pool as it is set. */
async function trainRecords(design: Design, data: LoadedData, steps: number): Promise<unknown[]> {
  const analysis = analyzeGraph(design.graph, {
    outputUnits: data.outputUnits,
    dataInputShape: data.inputShape,
  });
  const events: unknown[] = [];
  const trainer = createTrainer({
    design,
    data,
    analysis,
    telemetryEvery: 1,
    maxSteps: steps,
    onEvent: (event: TrainerEvent) => {
      if (event.type === 'train.onStep')
        events.push({ ...event, stats: event.stats && Array.from(event.stats) });
    },
  });
  try {
    await trainer.start();
  } finally {
    trainer.dispose();
  }
  return events;
}

describe('the threaded backend', () => {
  it('starts on two threads and switches to one and back', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(threadedWasmFailure()).toBeUndefined();
    expect(pool?.size).toBe(2);
    pool!.useAll(false);
    expect(pool!.threads()).toBe(1);
    pool!.useAll(true);
    expect(pool!.threads()).toBe(2);
  });

  it('computes the statistics with the SIMD kernel on its shared memory', () => {
    expect(statsImplementation()).toBe('wasm-simd');
  });

  // The CNN (convolutions, pooling: XNNPACK's threaded kernels) and the wide MLP (products
  // split over gemm.wat's helper thread) on their real data, and the reference networks with merges and normalization.
  const workloads = WORKLOADS.filter((w) => w.name === 'W2' || w.name === 'W4');
  const references = NETWORKS.filter(([name]) => /add|concatenate|batch norm|layer norm|pool/.test(name));

  it.each(workloads.map((w) => [w.name, w.design] as const))(
    'trains %s to the same bits on one thread as on two',
    async (_name, design) => {
      const data = await workloadData(design);
      const trial = { convolutional: convolutional(design) };
      useThreads(pool!, true, trial);
      const two = await trainRecords(design, data, 3);
      // On two threads the CNN ran on XNNPACK's pool, the MLP's products on gemm.wat's helper.
      expect(pool!.threads()).toBe(trial.convolutional ? 2 : 1);
      if (!trial.convolutional) expect(productHelperThreads()).toBe(1);
      useThreads(pool!, false, trial);
      const one = await trainRecords(design, data, 3);
      expect(two).toHaveLength(3);
      expect(one).toEqual(two);
    },
  );

  it('trains the reference networks with merges, pooling and normalization to the same bits on both', async () => {
    expect(references.length).toBeGreaterThanOrEqual(8);
    for (const [name, design, data] of references) {
      const trial = { convolutional: convolutional(design) };
      useThreads(pool!, true, trial);
      const two = await trainRecords(design, data, 2);
      useThreads(pool!, false, trial);
      const one = await trainRecords(design, data, 2);
      expect(one, name).toEqual(two);
    }
    pool!.useAll(true);
  });
});
