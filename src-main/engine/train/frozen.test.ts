/**
 * Fine-tuning: a node with `trainable: false` keeps its weights (and a
 * BatchNorm its moving statistics) over training steps while the others
 * learn, under every optimizer and with clipping; telemetry still reports
 * its gradient. A trainer can start from given weights (an imported model's).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design } from '../../../src-shared/design/types';
import { unpackStep, type LayerInfo, type StepRecord } from '../../../src-shared/telemetry';
import { initBackend } from '../backend/backend';
import { snapshotWeights } from '../model/network';
import { designFrom, mlpDesign, prepared } from '../test-support';
import { createTrainer } from './trainer';

beforeAll(async () => {
  await initBackend('wasm');
});

/** An MLP d1 → bn → d2 → out with `frozen` nodes. */
function design(frozen: string[], optimizer: string, clipNorm?: number): Design {
  const base = mlpDesign({ layers: 2, units: 6, activation: 'tanh', optimizer, learningRate: 0.05 });
  const nodes = [
    ...base.graph.nodes.slice(0, 2),
    { id: 'bn', type: 'batchNormalization', params: {} },
    ...base.graph.nodes.slice(2),
  ].map((n) => (frozen.includes(n.id) ? { ...n, trainable: false } : n));
  const edges = [
    { id: 'a', source: 'in', target: 'd1' },
    { id: 'b', source: 'd1', target: 'bn' },
    { id: 'c', source: 'bn', target: 'd2' },
    { id: 'd', source: 'd2', target: 'out' },
  ];
  const training = clipNorm ? { ...base.training, clipNorm } : base.training;
  return designFrom({ ...base, training, graph: { nodes, edges } });
}

async function train(
  d: Design,
  steps: number,
  initialWeights?: Map<string, { shape: number[]; values: Float32Array }>,
) {
  const { data } = await prepared(d);
  let layers: LayerInfo[] = [];
  const records: StepRecord[] = [];
  const trainer = createTrainer({
    design: d,
    data,
    telemetryEvery: 1,
    maxSteps: steps,
    initialWeights,
    onEvent: (event) => {
      if (event.type === 'train.onStarted') layers = event.layers;
      if (event.type === 'train.onStep' && event.stats)
        records.push(unpackStep({ ...event, stats: event.stats }, layers));
    },
  });
  const before = snapshotWeights(trainer.network);
  await trainer.start();
  const after = snapshotWeights(trainer.network);
  trainer.dispose();
  return { before, after, records };
}

const changed = (a: Float32Array, b: Float32Array) => a.some((v, i) => v !== b[i]);

describe('trainable: false', () => {
  for (const optimizer of ['sgd', 'momentum', 'adam', 'rmsprop']) {
    it(`freezes d1 and bn while d2 and out learn (${optimizer}, clipped)`, async () => {
      const { before, after, records } = await train(design(['d1', 'bn'], optimizer, 0.5), 4);
      for (const key of [
        'd1/kernel',
        'd1/bias',
        'bn/gamma',
        'bn/beta',
        'bn/movingMean',
        'bn/movingVariance',
      ]) {
        expect(Array.from(after.get(key)!.values), key).toEqual(Array.from(before.get(key)!.values));
      }
      for (const key of ['d2/kernel', 'd2/bias', 'out/kernel']) {
        expect(changed(after.get(key)!.values, before.get(key)!.values), key).toBe(true);
      }
      const d1 = records.map((r) => r.layers.find((l) => l.id === 'd1')!);
      expect(d1.every((l) => (l.gradNorm ?? 0) > 0)).toBe(true);
      expect(d1.every((l) => l.updateRatio === 0)).toBe(true);
    });
  }

  it('an unfrozen BatchNorm still updates its moving statistics', async () => {
    const { before, after } = await train(design([], 'sgd'), 2);
    expect(changed(after.get('bn/movingMean')!.values, before.get('bn/movingMean')!.values)).toBe(true);
  });
});

describe('initialWeights', () => {
  it('starts training from the given weights; missing ones are initialized as usual', async () => {
    const d = design([], 'sgd');
    const given = new Map([
      ['d1/kernel', { shape: [2, 6], values: Float32Array.from({ length: 12 }, (_, i) => i / 10) }],
      ['bn/movingVariance', { shape: [6], values: new Float32Array(6).fill(4) }],
    ]);
    const { before } = await train(d, 1, given);
    expect(Array.from(before.get('d1/kernel')!.values)).toEqual(Array.from(given.get('d1/kernel')!.values));
    expect(Array.from(before.get('bn/movingVariance')!.values)).toEqual([4, 4, 4, 4, 4, 4]);
    const plain = await train(d, 1);
    expect(Array.from(before.get('d2/kernel')!.values)).toEqual(
      Array.from(plain.before.get('d2/kernel')!.values),
    );
  });

  it('refuses a weight of the wrong shape, naming it', async () => {
    const bad = new Map([['d2/kernel', { shape: [5, 6], values: new Float32Array(30) }]]);
    await expect(train(design([], 'sgd'), 1, bad)).rejects.toThrow(
      'initial weight "d2/kernel" has shape [5, 6], but the layer needs [6, 6]',
    );
  });
});
