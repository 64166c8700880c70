/**
 * WebGPU against the pure-JS cpu backend: every reference network (one per
 * layer type and activation, merges, pooling variants, batch and layer norm)
 * trains two steps on each, and the per-layer telemetry and the BatchNorm
 * moving statistics must agree within 1e-4 relative. Here (no GPU) Dawn runs
 * on Chromium's SwiftShader, a Vulkan device in software, which this file
 * points the Vulkan loader at when nothing else is configured; a machine
 * without one skips with Dawn's reason.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stepRecord, type LayerInfo, type StepRecord } from '../../../src-shared/telemetry';
import type { Design } from '../../../src-shared/design/types';
import { analyzeGraph } from '../../../src-shared/graph';
import type { LoadedData } from '../data/types';
import { NETWORKS } from '../reference/networks';
import { exportAsFiles } from '../transfer/export-files';
import { buildNetwork, readWeightsAhead, snapshotWeights } from '../model/network';
import { previewAtInit, previewAtInitAsync } from '../train/init-preview';
import { createTrainer } from '../train/trainer';
import { designTrial, initBackendForRun, shapeSignature } from '../auto-trial';
import { initAutoBackend, initBackend } from './backend';
import { tf } from './tf';
import { describeAdapter, isSoftwareAdapter, noGpuDevice } from './webgpu';
import { webgpuDifferences as differences, type Trained } from './webgpu-agreement';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
// Read by the Vulkan loader when Dawn creates its instance, so set before the first initBackend('webgpu').
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'backflow-xdg-'));

const webgpu = await initBackend('webgpu').then(
  (choice) => ({ ok: true as const, device: choice.device ?? '' }),
  (error: Error) => ({ ok: false as const, reason: error.message }),
);
if (!webgpu.ok) console.warn(`webgpu.test.ts skipped: ${webgpu.reason}`);

const STEPS = 2;

async function train(backend: 'cpu' | 'webgpu', design: Design, data: LoadedData): Promise<Trained> {
  await initBackend(backend);
  let layers: LayerInfo[] = [];
  const records: StepRecord[] = [];
  const trainer = createTrainer({
    // The reference networks' data is one batch: a second epoch makes the second step.
    design: { ...design, training: { ...design.training, epochs: STEPS } },
    data,
    telemetryEvery: 1,
    maxSteps: STEPS,
    onEvent: (event) => {
      if (event.type === 'train.onStarted') layers = event.layers;
      if (event.type === 'train.onStep') records.push(stepRecord(event, layers)!);
    },
  });
  try {
    await trainer.start();
    const moving = new Map<string, number[]>();
    for (const m of trainer.network.movingStats) {
      moving.set(`${m.nodeId}/movingMean`, Array.from(await m.mean.data()));
      moving.set(`${m.nodeId}/movingVariance`, Array.from(await m.variance.data()));
    }
    return { records, moving };
  } finally {
    trainer.dispose();
  }
}

// Skipped only where Dawn finds no WebGPU adapter (no `webgpu` package, no Vulkan loader or no SwiftShader ICD); .ci/run installs them and webgpu.reason says which is missing.
describe.skipIf(!webgpu.ok)(`webgpu matches cpu (${webgpu.ok ? webgpu.device : 'skipped'})`, () => {
  it('finds an adapter and names it', () => {
    expect(webgpu.ok && webgpu.device).toMatch(/\S/);
  });

  for (const [name, design, data] of NETWORKS) {
    it(name, async () => {
      const cpu = await train('cpu', design, data);
      const gpu = await train('webgpu', design, data);
      expect(cpu.records).toHaveLength(STEPS);
      expect(differences(cpu, gpu)).toEqual([]);
    });
  }
});

// Skipped only where Dawn finds no WebGPU adapter (no `webgpu` package, no Vulkan loader or no SwiftShader ICD); .ci/run installs them and webgpu.reason says which is missing.
describe.skipIf(!webgpu.ok)('reading on webgpu outside the training step', () => {
  const [, design, data] = NETWORKS.find(
    ([name]) => name === 'conv → batch norm (per channel over batch and space)',
  )!;
  const analysis = () =>
    analyzeGraph(design.graph, { outputUnits: data.outputUnits, dataInputShape: data.inputShape });

  it('computes the gradient at initialisation as the cpu backend does', async () => {
    await initBackend('cpu');
    const cpu = previewAtInit({ design, data, analysis: analysis() });
    await initBackend('webgpu');
    const gpu = await previewAtInitAsync({ design, data, analysis: analysis() });
    // The same comparison as the runs' (histogram counts may move a value across a bin edge).
    const record = (p: typeof cpu) => stepRecord(p, p.layers)!;
    expect(
      differences(
        { records: [record(cpu)], moving: new Map() },
        { records: [record(gpu)], moving: new Map() },
      ),
    ).toEqual([]);
  });

  it('exports a network held on webgpu, and snapshots its weights once read ahead', async () => {
    await initBackend('cpu');
    const onCpu = buildNetwork(design, analysis(), 7);
    const expected = snapshotWeights(onCpu);
    onCpu.dispose();
    await initBackend('webgpu');
    const network = buildNetwork(design, analysis(), 7);
    try {
      // Values computed on the GPU, as training leaves them (a fresh network's came from the CPU, and
      // tfjs-webgpu computes small ops on CPU-held values on the CPU unless told not to).
      tf.env().set('WEBGPU_CPU_FORWARD', false);
      for (const w of network.weights) w.variable.assign(tf.tidy(() => tf.mul(w.variable, 1)));
      tf.env().set('WEBGPU_CPU_FORWARD', true);
      await readWeightsAhead(network);
      const values = snapshotWeights(network);
      expect([...values.keys()]).toEqual([...expected.keys()]);
      for (const [key, { values: v }] of expected)
        expect(Array.from(values.get(key)!.values), key).toEqual(Array.from(v));
      const exported = await exportAsFiles(network, 'onnx', {
        designName: design.name,
        seed: 7,
        trained: false,
      });
      expect(exported.files.map((f) => f.name)).toContain('model.onnx');
    } finally {
      network.dispose();
    }
  });
});

// Skipped only where Dawn finds no WebGPU adapter (no `webgpu` package, no Vulkan loader or no SwiftShader ICD); .ci/run installs them and webgpu.reason says which is missing.
describe.skipIf(!webgpu.ok)('auto with a WebGPU adapter', () => {
  const [, design, data] = NETWORKS.find(([name]) => name === 'conv → max pool same')!;

  it('skips a software adapter without timing anything', async () => {
    const analysis = analyzeGraph(design.graph, {
      outputUnits: data.outputUnits,
      dataInputShape: data.inputShape,
    });
    const choice = await initBackendForRun('auto', { design, data, analysis });
    expect(choice.variant).toBe('wasm');
    // Then, on more than one core, how many threads the design got (thread-choice.ts).
    expect(choice.why).toMatch(/^no GPU to time against wasm(; (\d+ threads?) for this design: .*)?$/);
    expect(choice.attempts.find((a) => a.candidate === 'webgpu')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^software adapter \(.*swiftshader.*\): only --backend webgpu uses it$/),
    });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('times the design itself on each candidate and says what it measured', async () => {
    const analysis = analyzeGraph(design.graph, {
      outputUnits: data.outputUnits,
      dataInputShape: data.inputShape,
    });
    const trial = designTrial(design, data, analysis);
    const tensorsBefore = tf.memory().numTensors;
    const choice = await initAutoBackend(trial, { acceptSoftwareAdapter: true });
    // Which one wins is the machine's business; that both were timed on real steps is checked.
    expect(choice.why).toMatch(
      /^fastest for this design: (wasm|webgpu) [\d.]+ ms\/step against (webgpu|wasm) [\d.]+ ms$/,
    );
    expect(tf.getBackend()).toBe(choice.variant);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('times each candidate once per design shape and trains on the faster', async () => {
    const timed: string[] = [];
    // Injected timings: the GPU is 10× faster for "cnn", 10× slower for "mlp".
    const trial = (signature: string, gpuMs: number) => ({
      signature,
      time: async () => {
        timed.push(`${signature}:${tf.getBackend()}`);
        return tf.getBackend() === 'webgpu' ? gpuMs : 50;
      },
    });
    const cnn = await initAutoBackend(trial('cnn', 5), { acceptSoftwareAdapter: true });
    expect(cnn).toMatchObject({
      name: 'webgpu',
      variant: 'webgpu',
      device: expect.stringMatching(/\S/),
      why: 'fastest for this design: webgpu 5.0 ms/step against wasm 50 ms',
    });
    expect(tf.getBackend()).toBe('webgpu');
    const mlp = await initAutoBackend(trial('mlp', 500), { acceptSoftwareAdapter: true });
    expect(mlp).toMatchObject({
      variant: 'wasm',
      why: 'fastest for this design: wasm 50 ms/step against webgpu 500 ms',
    });
    expect(tf.getBackend()).toBe('wasm');
    // The decision is kept per signature: no second trial.
    expect((await initAutoBackend(trial('cnn', 5), { acceptSoftwareAdapter: true })).variant).toBe('webgpu');
    expect(timed).toEqual(['cnn:wasm', 'cnn:webgpu', 'mlp:wasm', 'mlp:webgpu']);
  });
});

describe('webgpu without an adapter', () => {
  it('fails `train --backend webgpu` with exit 1 and the reason, no stack trace', async () => {
    const root = join(import.meta.dirname, '../../..');
    const design = join(root, 'resources/fixtures/designs/v1/product-example.backflow.json');
    // A Vulkan loader pointed at no driver: what a Linux machine without a GPU driver gives Dawn.
    const env = { ...process.env, VK_ICD_FILENAMES: join(tmpdir(), 'backflow-no-such-icd.json') };
    const run = promisify(execFile)(
      process.execPath,
      [join(root, 'bin/backflow.mjs'), 'train', design, '--backend', 'webgpu', '--steps', '1'],
      { env },
    );
    const failure = (await run.then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    )) as { code: number; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(
      /no usable backend for "webgpu" \(webgpu: (no WebGPU adapter|the webgpu package)/,
    );
    // Dawn and the Vulkan loader print their own warnings (native, with .cpp locations); no JavaScript stack.
    expect(failure.stderr).not.toMatch(/\n\s+at .*\.(ts|js|mjs):\d+/);
  });
});

describe('noGpuDevice', () => {
  const machine = (files: Record<string, string[]>) => (folder: string) => files[folder] ?? [];

  it('lets auto skip Dawn on a Linux machine without a GPU device node', () => {
    expect(noGpuDevice('linux', machine({ '/dev': ['null', 'tty'] }), {})).toMatch(/no GPU device/);
    expect(noGpuDevice('linux', machine({ '/dev/dri': ['card0', 'renderD128'] }), {})).toBeUndefined();
    expect(noGpuDevice('linux', machine({ '/dev': ['nvidia0'] }), {})).toBeUndefined();
    expect(noGpuDevice('linux', machine({ '/dev': ['dxg'] }), {})).toBeUndefined();
    // A Vulkan driver named explicitly is tried; other platforms always ask Dawn.
    expect(noGpuDevice('linux', machine({}), { VK_ICD_FILENAMES: '/x.json' })).toBeUndefined();
    expect(noGpuDevice('darwin', machine({}), {})).toBeUndefined();
    expect(noGpuDevice('win32', machine({}), {})).toBeUndefined();
  });
});

describe('shapeSignature', () => {
  const [, design, data] = NETWORKS.find(([name]) => name === 'residual add')!;

  it('is the same for a renamed design and differs when a step would cost differently', () => {
    const renamed: Design = {
      ...design,
      name: 'other',
      graph: {
        nodes: design.graph.nodes.map((n) => ({ ...n, id: `x-${n.id}`, position: { x: 1, y: 2 } })),
        edges: design.graph.edges.map((e) => ({
          ...e,
          id: `x-${e.id}`,
          source: `x-${e.source}`,
          target: `x-${e.target}`,
        })),
      },
    };
    expect(shapeSignature(renamed, data)).toBe(shapeSignature(design, data));
    const bigger = { ...design, training: { ...design.training, batchSize: design.training.batchSize * 2 } };
    expect(shapeSignature(bigger, data)).not.toBe(shapeSignature(design, data));
    expect(shapeSignature(design, { ...data, inputShape: [7] })).not.toBe(shapeSignature(design, data));
  });
});

describe('isSoftwareAdapter and describeAdapter', () => {
  it('tells software rasterisers from GPUs by their adapter info', () => {
    // What Dawn reports for Chromium's SwiftShader, Mesa's lavapipe and Windows' WARP.
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(
      true,
    );
    expect(isSoftwareAdapter({ vendor: 'x', isFallbackAdapter: true })).toBe(true);
    expect(
      isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' }),
    ).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' })).toBe(
      false,
    );
    expect(
      describeAdapter({
        vendor: 'google',
        architecture: 'swiftshader',
        device: '',
        description: 'SwiftShader driver 5.0.0',
        software: true,
      }),
    ).toBe('google swiftshader (SwiftShader driver 5.0.0), software');
  });
});
