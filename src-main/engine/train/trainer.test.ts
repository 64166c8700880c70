import { beforeAll, describe, expect, it } from 'vitest';
import { unpackStep, type LayerInfo, type StepRecord } from '../../../src-shared/telemetry';
import { initBackend } from '../backend/backend';
import { tf } from '../backend/tf';
import { snapshotWeights } from '../model/network';
import { mlpDesign, prepared } from '../test-support';
import { createTrainer, type TrainerEvent, type TrainerOptions } from './trainer';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Trains and collects every event and every unpacked telemetry record. */
async function run(
  options: Omit<TrainerOptions, 'onEvent'>,
  control?: (event: TrainerEvent, trainer: ReturnType<typeof createTrainer>) => void,
) {
  const events: TrainerEvent[] = [];
  const records: StepRecord[] = [];
  let layers: LayerInfo[] = [];
  const trainer = createTrainer({
    ...options,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'train.onStarted') layers = event.layers;
      if (event.type === 'train.onStep' && event.stats)
        records.push(unpackStep({ ...event, stats: event.stats }, layers));
      control?.(event, trainer);
    },
  });
  await trainer.start();
  const state = trainer.state();
  trainer.dispose();
  return { events, records, state };
}

describe('trainer', () => {
  it('gives identical telemetry for two runs with one seed, and different telemetry for another seed', async () => {
    const design = mlpDesign({ layers: 3, units: 8, activation: 'tanh' });
    const { data } = await prepared(design);
    const a = await run({ design, data, telemetryEvery: 1, maxSteps: 12 });
    const b = await run({ design, data, telemetryEvery: 1, maxSteps: 12 });
    const c = await run({ design, data, telemetryEvery: 1, maxSteps: 12, seed: 8 });
    expect(a.records).toHaveLength(12);
    expect(JSON.stringify(b.records)).toBe(JSON.stringify(a.records));
    expect(c.records[0].layers[0].gradNorm).not.toBe(a.records[0].layers[0].gradNorm);
  });

  for (const optimizer of ['sgd', 'momentum', 'adam', 'rmsprop']) {
    it(`reports updateRatio = ‖ΔW‖ / ‖W‖ of the step actually taken (${optimizer})`, async () => {
      const design = mlpDesign({ layers: 2, units: 6, activation: 'tanh', optimizer, learningRate: 0.05 });
      const { data } = await prepared(design);
      const snapshots: Map<string, { values: Float32Array }>[] = [];
      const { records } = await run({ design, data, telemetryEvery: 1, maxSteps: 3 }, (event, trainer) => {
        if (event.type === 'train.onStarted' || event.type === 'train.onStep')
          snapshots.push(snapshotWeights(trainer.network));
      });
      const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
      for (let step = 0; step < 3; step++) {
        for (const id of ['d1', 'd2', 'out']) {
          const before = snapshots[step].get(`${id}/kernel`)!.values;
          const after = snapshots[step + 1].get(`${id}/kernel`)!.values;
          const expected = norm(after.map((v, i) => v - before[i])) / norm(before);
          const layer = records[step].layers.find((l) => l.id === id)!;
          expect(layer.updateRatio! / expected, `${optimizer} step ${step} ${id}`).toBeCloseTo(1, 2);
        }
      }
    });
  }

  it('records telemetry every K steps and runs the requested number of steps', async () => {
    const design = mlpDesign({ layers: 2, units: 4, activation: 'relu' });
    const { data } = await prepared(design);
    const { events, records, state } = await run({ design, data, telemetryEvery: 5, maxSteps: 23 });
    expect(events.filter((e) => e.type === 'train.onStep')).toHaveLength(23);
    expect(records.map((r) => r.step)).toEqual([0, 5, 10, 15, 20]);
    expect(state).toBe('finished');
  });

  it('evaluates the data set at each epoch end unless told not to (the bench times steps alone)', async () => {
    const design = mlpDesign({ layers: 2, units: 4, activation: 'relu' });
    const { data } = await prepared(design);
    const perEpoch = Math.ceil(data.train.n / design.training.batchSize);
    const epochs = (events: TrainerEvent[]) => events.filter((e) => e.type === 'train.onEpoch').length;
    const evaluated = await run({ design, data, telemetryEvery: 0, maxSteps: 2 * perEpoch });
    const skipped = await run({
      design,
      data,
      telemetryEvery: 0,
      maxSteps: 2 * perEpoch,
      evaluateEpochs: false,
    });
    expect(epochs(evaluated.events)).toBe(2);
    expect(epochs(skipped.events)).toBe(0);
    expect(skipped.events.filter((e) => e.type === 'train.onStep')).toHaveLength(2 * perEpoch);
  });

  it('pauses, single-steps, resumes and stops between steps', async () => {
    const design = mlpDesign({ layers: 2, units: 4, activation: 'relu' });
    const { data } = await prepared(design);
    const log: string[] = [];
    const { events, state } = await run(
      { design, data, telemetryEvery: 0, maxSteps: 1000 },
      (event, trainer) => {
        if (event.type === 'train.onStep') {
          log.push(`step ${event.step}`);
          if (event.step === 2) {
            trainer.pause();
            // Two single steps while paused, then resume; stop at step 6.
            setTimeout(() => trainer.step(), 5);
            setTimeout(() => trainer.step(), 30);
            setTimeout(() => trainer.resume(), 60);
          }
          if (event.step === 6) trainer.stop();
        }
        if (event.type === 'train.onState') log.push(event.state);
      },
    );
    expect(log.slice(0, 11)).toEqual([
      'running',
      'step 0',
      'step 1',
      'step 2',
      'paused',
      'step 3',
      'step 4',
      'running',
      'step 5',
      'step 6',
      'stopped',
    ]);
    expect(events.filter((e) => e.type === 'train.onStep')).toHaveLength(7);
    expect(state).toBe('stopped');
  });

  it('stops a diverging run with a message naming a layer, keeping the last good weights', async () => {
    const design = mlpDesign({
      layers: 4,
      units: 32,
      activation: 'relu',
      initializer: 'heNormal',
      learningRate: 10,
      optimizer: 'sgd',
    });
    const { data } = await prepared(design);
    let lastGood: Map<string, { values: Float32Array }> | undefined;
    const { events, state } = await run(
      { design, data, telemetryEvery: 1, maxSteps: 500, epochs: 100 },
      (event, trainer) => {
        if (event.type === 'train.onStep') lastGood = snapshotWeights(trainer.network);
        if (event.type === 'train.onDiverged') {
          const now = snapshotWeights(trainer.network);
          for (const [key, value] of now)
            expect(Array.from(value.values), key).toEqual(Array.from(lastGood!.get(key)!.values));
          for (const { values } of now.values()) expect(values.every(Number.isFinite)).toBe(true);
        }
      },
    );
    const diverged = events.find((e) => e.type === 'train.onDiverged');
    expect(state).toBe('diverged');
    expect(diverged).toBeDefined();
    if (diverged?.type !== 'train.onDiverged') return;
    expect(diverged.message).toMatch(/diverged at step \d+/);
    expect(diverged.message).toContain('learning rate (now 10)');
    expect(diverged.layerId).toMatch(/^(d\d|out)$/);
  });

  it('does not grow the number of tensors over 2,000 steps with telemetry on', async () => {
    const design = mlpDesign({ layers: 3, units: 8, activation: 'sigmoid', batchSize: 16, samples: 200 });
    const { data } = await prepared(design);
    const counts: number[] = [];
    await run({ design, data, telemetryEvery: 1, maxSteps: 2000, epochs: 1000 }, (event) => {
      if (event.type === 'train.onStep' && event.step % 100 === 0) counts.push(tf.memory().numTensors);
    });
    expect(counts).toHaveLength(20);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(0);
  });
});

describe('decision boundary', () => {
  it('confirms a pause that arrives during a step before computing that step’s boundary', async () => {
    const design = mlpDesign({ layers: 2, units: 8, activation: 'relu' });
    const { data } = await prepared(design);
    const log: string[] = [];
    await run({ design, data, telemetryEvery: 0, maxSteps: 50, boundaryEvery: 1 }, (event, trainer) => {
      if (event.type === 'train.onStep' || event.type === 'train.onBoundary')
        log.push(`${event.type === 'train.onStep' ? 'step' : 'boundary'} ${event.step}`);
      if (event.type === 'train.onState') log.push(event.state);
      // Like a message reaching the worker while step 1 runs: it is handled at the trainer's next yield.
      if (event.type === 'train.onStep' && event.step === 1) setImmediate(() => trainer.pause());
      if (event.type === 'train.onState' && event.state === 'paused') setTimeout(() => trainer.stop(), 20);
    });
    // The boundary (about a step's work) comes after the confirmation, not before it.
    expect(log).toEqual(['running', 'step 0', 'boundary 0', 'step 1', 'paused', 'boundary 1', 'stopped']);
  });

  it('sends the data preview and class probabilities on a grid for 2-D data', async () => {
    const design = mlpDesign({ layers: 2, units: 8, activation: 'relu' });
    const { data } = await prepared(design);
    const { events } = await run({ design, data, telemetryEvery: 0, maxSteps: 4, boundaryEvery: 2 });
    const started = events.find((e) => e.type === 'train.onStarted');
    if (started?.type !== 'train.onStarted') throw new Error('no started event');
    expect(started.dataPreview?.classes).toBe(3);
    expect(started.dataPreview?.x.length).toBe(2 * started.dataPreview!.labels.length);
    const boundaries = events.filter((e) => e.type === 'train.onBoundary');
    // Every 2 steps, and the last step's, so the view ends on the trained weights.
    expect(boundaries.map((b) => b.type === 'train.onBoundary' && b.step)).toEqual([0, 2, 3]);
    const first = boundaries[0];
    if (first.type !== 'train.onBoundary') return;
    expect(first.probabilities.length).toBe(first.resolution ** 2 * 3);
    for (let i = 0; i < first.resolution ** 2; i++) {
      const sum =
        first.probabilities[3 * i] + first.probabilities[3 * i + 1] + first.probabilities[3 * i + 2];
      expect(sum).toBeCloseTo(1, 5);
    }
  });
});
