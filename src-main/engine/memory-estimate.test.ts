/**
 * The memory estimate (src-shared/graph/memory-estimate.ts) against what real
 * runs allocate: tfjs's peak tensor bytes (`tf.profile`) over training steps
 * with telemetry, on the WebAssembly backend, and the refusal of a run that
 * would not fit. The estimate must not be below the measured peak (a design
 * it accepts must not abort the backend) nor more than twice it (a design
 * that fits must not be refused for nothing).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design } from '../../src-shared/design/types';
import { initBackend } from './backend/backend';
import { tf } from './backend/tf';
import { WORKLOADS } from './bench/workloads';
import { checkRunMemory, estimateRunMemory } from './prepare-run';
import { designFrom, mlpDesign, prepared, readExample } from './test-support';
import { createTrainer } from './train/trainer';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Peak tensor bytes of `steps` training steps (and the epoch's evaluation when they reach it). */
async function measuredPeak(design: Design, steps: number) {
  const run = await prepared(design);
  const before = tf.memory().numBytes;
  const trainer = createTrainer({
    design,
    data: run.data,
    telemetryEvery: 1,
    maxSteps: steps,
    onEvent: () => {},
  });
  try {
    const info = await tf.profile(() => trainer.start());
    return { estimate: estimateRunMemory(run).backendBytes, peak: info.peakBytes - before };
  } finally {
    trainer.dispose();
  }
}

const withBatch = (design: Design, batchSize: number) =>
  designFrom({ ...design, training: { ...design.training, batchSize } });

describe('memory estimate vs measured', () => {
  const cases: [string, () => Design, number][] = [
    // Weight-bound: 4 × 512 ReLU at batch 4, each optimizer's slots and temporaries.
    ...(['sgd', 'momentum', 'rmsprop', 'adam'] as const).map((optimizer): [string, () => Design, number] => [
      `MLP 4×512 ${optimizer}`,
      () => mlpDesign({ layers: 4, units: 512, activation: 'relu', batchSize: 4, optimizer, samples: 400 }),
      2,
    ]),
    // Activation-bound: a large batch of a narrow network.
    [
      'MLP 8×64 tanh, batch 4096',
      () => mlpDesign({ layers: 8, units: 64, activation: 'tanh', batchSize: 4096, samples: 6000 }),
      1,
    ],
    // BatchNorm, through an epoch's end (the evaluation pass).
    ['deep sigmoid + BN, an epoch', () => readExample('deep-sigmoid-batchnorm.backflow.json'), 8],
    [
      'residual 20 + BN, batch 480',
      () => withBatch(readExample('he2016-resnet-20-bn.backflow.json'), 480),
      2,
    ],
    // Convolutions and pooling (W4: MNIST 28×28), at batch 256.
    ['CNN W4, batch 256', () => withBatch(WORKLOADS.find((w) => w.name === 'W4')!.design, 256), 1],
  ];
  for (const [name, design, steps] of cases) {
    it(
      name,
      async () => {
        const { estimate, peak } = await measuredPeak(design(), steps);
        expect(estimate, `estimate ${estimate} vs peak ${peak}`).toBeGreaterThanOrEqual(peak);
        expect(estimate, `estimate ${estimate} vs peak ${peak}`).toBeLessThanOrEqual(2 * peak);
      },
      60_000,
    );
  }
});

describe('checkRunMemory', () => {
  /** 2 → dense 4096 → 20 ReLU activations → 3: few weights, 86 K values per example. */
  function wide(batchSize: number): Design {
    const nodes: object[] = [
      { id: 'in', type: 'input', params: { shape: [2] } },
      { id: 'd', type: 'dense', params: { units: 4096, activation: 'linear' } },
    ];
    for (let i = 0; i < 20; i++)
      nodes.push({ id: `a${i}`, type: 'activation', params: { activation: 'relu' } });
    nodes.push({ id: 'out', type: 'output', params: {} });
    const edges = nodes.slice(1).map((n, i) => ({
      id: `e${i}`,
      source: (nodes[i] as { id: string }).id,
      target: (n as { id: string }).id,
    }));
    return designFrom({
      format: 'backflow.design',
      formatVersion: 1,
      name: 'wide',
      graph: { nodes, edges },
      data: { source: 'builtin', name: 'spiral', samples: 5000, classes: 3 },
      training: { optimizer: 'sgd', learningRate: 0.1, batchSize, epochs: 1, seed: 1, validationSplit: 0 },
    });
  }

  it('refuses a batch WebAssembly cannot hold, naming the batch that fits', async () => {
    const run = await prepared(wide(4096));
    const error = checkRunMemory(run, 'wasm');
    expect(error?.type).toBe('design');
    expect(error?.message).toMatch(
      /^the design is too large to train: one training step at batch 4096 needs about \d+\.\d GB, but the WebAssembly backend \(its heap stops at 4 GB\) has room for about 3\.2 GB: at most batch (\d+) fits — lower the batch size/,
    );
    const fits = Number(/at most batch (\d+)/.exec(error!.message)![1]);
    expect(checkRunMemory(await prepared(wide(fits)), 'wasm')).toBeUndefined();
    expect(checkRunMemory(await prepared(wide(fits + 1)), 'wasm')).toBeDefined();
  });

  it('gives native backends half the machine', async () => {
    const run = await prepared(wide(4096));
    const needed = estimateRunMemory(run).totalBytes;
    expect(
      checkRunMemory(run, 'tensorflow', { bytes: needed, holder: 'x', includesData: true }),
    ).toBeUndefined();
    expect(checkRunMemory(run, 'cpu')).toEqual(
      needed > 0.5 * (await import('node:os')).totalmem() ? expect.anything() : undefined,
    );
  });
});
