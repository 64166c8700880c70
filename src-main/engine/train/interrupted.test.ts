/**
 * Pause and stop arriving in the middle of a step (or of a boundary or an
 * evaluation): the trainer abandons the work, leaves no tensor, weight or
 * optimizer state behind, and once resumed trains exactly as a run that was
 * never interrupted. The interrupt source is scripted here the way the
 * worker's shared count behaves: it reports the request at a chosen check
 * and the request itself is handled a few milliseconds later.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design } from '../../../src-shared/design/types';
import { unpackStep, type LayerInfo, type StepRecord } from '../../../src-shared/telemetry';
import { initBackend } from '../backend/backend';
import { tf } from '../backend/tf';
import type { LoadedData } from '../data/types';
import type { InterruptSource } from '../model/interrupt';
import { snapshotWeights } from '../model/network';
import { designFrom, mlpDesign, prepared } from '../test-support';
import { createTrainer, type Trainer, type TrainerEvent, type TrainerOptions } from './trainer';

beforeAll(async () => {
  await initBackend('wasm');
});

/**
 * in → d1 (tanh, tapped) → d2 (relu, fused) → dropout → BatchNorm → add(d1, ·) → out,
 * with Adam: every kind of check (forward, dense, tap, add) and every kind of state an
 * abandoned step could wrongly touch (optimizer slots, moving statistics, dropout masks).
 */
function everyKindOfLayer(): Design {
  const base = mlpDesign({ layers: 2, units: 12, activation: 'tanh', optimizer: 'adam', learningRate: 0.01 });
  const dense = (id: string, activation: string) => ({
    id,
    type: 'dense',
    params: { units: 12, activation, kernelInitializer: 'glorotUniform' },
  });
  const nodes = [
    { id: 'in', type: 'input', params: { shape: [2] } },
    dense('d1', 'tanh'),
    dense('d2', 'relu'),
    { id: 'drop', type: 'dropout', params: { rate: 0.25 } },
    { id: 'bn', type: 'batchNormalization', params: {} },
    { id: 'add', type: 'add', params: {} },
    { id: 'out', type: 'output', params: {} },
  ];
  const edges = [
    { id: 'a', source: 'in', target: 'd1' },
    { id: 'b', source: 'd1', target: 'd2' },
    { id: 'c', source: 'd2', target: 'drop' },
    { id: 'd', source: 'drop', target: 'bn' },
    { id: 'e', source: 'd1', target: 'add', targetHandle: 'in0' },
    { id: 'f', source: 'bn', target: 'add', targetHandle: 'in1' },
    { id: 'g', source: 'add', target: 'out' },
  ];
  return designFrom({ ...base, graph: { nodes, edges } });
}

/** A request in flight, as the worker sees one: reported from some check on, handled a little later. */
interface ScriptedRequests {
  source: InterruptSource;
  /** Checks made so far (the trainer's own waiting included). */
  checks(): number;
  /** From the `nth` check from now, report a request; `handle` it 5 ms after it was first reported. */
  send(nth: number, handle: () => void): void;
}

function scriptedRequests(): ScriptedRequests {
  let checks = 0;
  let reportAt = Infinity;
  let pending = false;
  let handle = () => {};
  return {
    source: () => {
      checks++;
      if (!pending && checks >= reportAt) {
        pending = true;
        reportAt = Infinity;
        // Later than the report: the trainer must wait for it, not assume it came.
        setTimeout(() => {
          handle();
          pending = false;
        }, 5);
      }
      return pending;
    },
    checks: () => checks,
    send(nth, then) {
      reportAt = checks + nth;
      handle = then;
    },
  };
}

interface RunLog {
  /** `step N`, `boundary N`, `epoch N` and states, in order. */
  log: string[];
  records: StepRecord[];
  losses: number[];
  boundaries: Float32Array[];
  epochs: TrainerEvent[];
  /** tf.memory().numTensors at each state event, by state. */
  tensorsAt: Map<string, number>;
  /** The weights when each state was entered, and after each step. */
  weightsAt: Map<string, Map<string, { values: Float32Array }>>;
  state: string;
}

async function run(
  data: LoadedData,
  design: Design,
  options: Partial<TrainerOptions>,
  control?: (event: TrainerEvent, trainer: Trainer) => void,
): Promise<RunLog> {
  const result: RunLog = {
    log: [],
    records: [],
    losses: [],
    boundaries: [],
    epochs: [],
    tensorsAt: new Map(),
    weightsAt: new Map(),
    state: '',
  };
  let layers: LayerInfo[] = [];
  const trainer = createTrainer({
    design,
    data,
    telemetryEvery: 1,
    maxSteps: 14,
    ...options,
    onEvent: (event) => {
      if (event.type === 'train.onStarted') layers = event.layers;
      if (event.type === 'train.onStep') {
        result.log.push(`step ${event.step}`);
        result.losses.push(event.loss);
        if (event.stats) result.records.push(unpackStep({ ...event, stats: event.stats }, layers));
        result.weightsAt.set(`step ${event.step}`, snapshotWeights(trainer.network));
      }
      if (event.type === 'train.onBoundary') {
        result.log.push(`boundary ${event.step}`);
        result.boundaries.push(event.probabilities);
      }
      if (event.type === 'train.onEpoch') {
        result.log.push(`epoch ${event.epoch}`);
        result.epochs.push(event);
      }
      if (event.type === 'train.onState') {
        result.log.push(event.state);
        result.tensorsAt.set(event.state, tf.memory().numTensors);
        result.weightsAt.set(event.state, snapshotWeights(trainer.network));
      }
      control?.(event, trainer);
    },
  });
  await trainer.start();
  result.state = trainer.state();
  trainer.dispose();
  return result;
}

/** The number of checks in one step of `design` with telemetry (from a run that is never interrupted). */
async function checksPerStep(data: LoadedData, design: Design): Promise<number> {
  const requests = scriptedRequests();
  const at: number[] = [];
  await run(data, design, { interruptRequested: requests.source, maxSteps: 3 }, (event) => {
    if (event.type === 'train.onStep') at.push(requests.checks());
  });
  return at[2] - at[1];
}

const sameWeights = (a: Map<string, { values: Float32Array }>, b: Map<string, { values: Float32Array }>) =>
  expect(Object.fromEntries([...a].map(([k, v]) => [k, Array.from(v.values)]))).toEqual(
    Object.fromEntries([...b].map(([k, v]) => [k, Array.from(v.values)])),
  );

describe('a pause or stop in the middle of a step', () => {
  it('pauses mid-step without counting the step or leaving tensors, and resumes as if never interrupted', async () => {
    const design = everyKindOfLayer();
    const { data } = await prepared(design);
    const uninterrupted = await run(data, design, {});
    // A pause handled between steps, as without interruption: what the engine holds then.
    const pausedBetweenSteps = await run(data, design, {}, (event, trainer) => {
      // Handled at the trainer's next yield, as a message that arrives during step 2 would be.
      if (event.type === 'train.onStep' && event.step === 2) setImmediate(() => trainer.pause());
      if (event.type === 'train.onState' && event.state === 'paused') setTimeout(() => trainer.resume(), 10);
    });
    const checks = await checksPerStep(data, design);
    // More checks than nodes (7): the backward pass is checked too, and the last check is in it.
    expect(checks).toBeGreaterThan(10);

    for (const nth of [1, Math.ceil(checks / 2), checks]) {
      const requests = scriptedRequests();
      const interrupted = await run(
        data,
        design,
        { interruptRequested: requests.source },
        (event, trainer) => {
          if (event.type === 'train.onStep' && event.step === 2) requests.send(nth, () => trainer.pause());
          if (event.type === 'train.onState' && event.state === 'paused')
            setTimeout(() => trainer.resume(), 10);
        },
      );
      const where = `interrupted at check ${nth} of ${checks}`;
      // Paused before step 3 was reported: it was abandoned, then trained once after the resume.
      expect(interrupted.log.slice(0, 7), where).toEqual([
        'running',
        'step 0',
        'step 1',
        'step 2',
        'paused',
        'running',
        'step 3',
      ]);
      expect(interrupted.log.filter((l) => l.startsWith('step'))).toHaveLength(14);
      expect(interrupted.tensorsAt.get('paused'), where).toBe(pausedBetweenSteps.tensorsAt.get('paused'));
      sameWeights(interrupted.weightsAt.get('paused')!, interrupted.weightsAt.get('step 2')!);
      // Optimizer slots, moving statistics and dropout masks untouched: bit for bit the same run.
      expect(interrupted.losses, where).toEqual(uninterrupted.losses);
      expect(JSON.stringify(interrupted.records), where).toBe(JSON.stringify(uninterrupted.records));
      expect(interrupted.state).toBe('finished');
      expect(tf.memory().numTensors).toBe(0);
    }
  });

  it('stops mid-step without committing the step', async () => {
    const design = everyKindOfLayer();
    const { data } = await prepared(design);
    const checks = await checksPerStep(data, design);
    const requests = scriptedRequests();
    const stopped = await run(data, design, { interruptRequested: requests.source }, (event, trainer) => {
      if (event.type === 'train.onStep' && event.step === 2) requests.send(checks - 1, () => trainer.stop());
    });
    expect(stopped.log).toEqual(['running', 'step 0', 'step 1', 'step 2', 'stopped']);
    sameWeights(stopped.weightsAt.get('stopped')!, stopped.weightsAt.get('step 2')!);
    expect(stopped.state).toBe('stopped');
    expect(tf.memory().numTensors).toBe(0);
  });

  it('still takes a single step asked for while paused when a stray pause cuts it short, but not after a stop', async () => {
    const design = everyKindOfLayer();
    const { data } = await prepared(design);
    const checks = await checksPerStep(data, design);
    const uninterrupted = await run(data, design, { maxSteps: 3 });
    for (const then of ['pause', 'stop'] as const) {
      const requests = scriptedRequests();
      const result = await run(data, design, { interruptRequested: requests.source }, (event, trainer) => {
        if (event.type === 'train.onStep' && event.step === 1) trainer.pause();
        if (event.type === 'train.onState' && event.state === 'paused') {
          requests.send(Math.ceil(checks / 2), () => trainer[then]());
          trainer.step();
        }
        if (event.type === 'train.onStep' && event.step === 2) setTimeout(() => trainer.stop(), 10);
      });
      if (then === 'pause') {
        expect(result.log).toEqual(['running', 'step 0', 'step 1', 'paused', 'step 2', 'stopped']);
        expect(result.losses).toEqual(uninterrupted.losses);
      } else {
        expect(result.log).toEqual(['running', 'step 0', 'step 1', 'paused', 'stopped']);
      }
    }
  });
});

describe('a pause in the middle of a boundary or an evaluation', () => {
  it('confirms the pause first, then computes the same boundary', async () => {
    const design = everyKindOfLayer();
    const { data } = await prepared(design);
    const uninterrupted = await run(data, design, { maxSteps: 4, boundaryEvery: 1 });
    const requests = scriptedRequests();
    const interrupted = await run(
      data,
      design,
      { maxSteps: 4, boundaryEvery: 1, interruptRequested: requests.source },
      (event, trainer) => {
        // The next checks after step 1's event are those of its boundary's forward pass.
        if (event.type === 'train.onStep' && event.step === 1) requests.send(3, () => trainer.pause());
        if (event.type === 'train.onBoundary' && event.step === 1) trainer.resume();
      },
    );
    expect(interrupted.log.slice(0, 8)).toEqual([
      'running',
      'step 0',
      'boundary 0',
      'step 1',
      'paused',
      'boundary 1',
      'running',
      'step 2',
    ]);
    expect(interrupted.boundaries).toEqual(uninterrupted.boundaries);
    expect(interrupted.losses).toEqual(uninterrupted.losses);
  });

  it('confirms the pause first, then reports the same epoch evaluation', async () => {
    const design = everyKindOfLayer();
    const { data } = await prepared(design);
    const stepsPerEpoch = Math.ceil(data.train.n / design.training.batchSize);
    const uninterrupted = await run(data, design, {});
    const requests = scriptedRequests();
    const interrupted = await run(data, design, { interruptRequested: requests.source }, (event, trainer) => {
      // The evaluation follows the epoch's last step; it runs forward passes only.
      if (event.type === 'train.onStep' && event.step === stepsPerEpoch - 1)
        requests.send(5, () => trainer.pause());
      if (event.type === 'train.onEpoch' && event.epoch === 0) trainer.resume();
    });
    const last = `step ${stepsPerEpoch - 1}`;
    const at = interrupted.log.indexOf(last);
    expect(interrupted.log.slice(at, at + 5)).toEqual([
      last,
      'paused',
      'epoch 0',
      'running',
      `step ${stepsPerEpoch}`,
    ]);
    expect(interrupted.epochs).toEqual(uninterrupted.epochs);
    expect(interrupted.losses).toEqual(uninterrupted.losses);
  });
});

describe('interruption, defensively', () => {
  it('lets a run progress when a reported request never arrives', async () => {
    const design = mlpDesign({ layers: 2, units: 4, activation: 'relu' });
    const { data } = await prepared(design);
    let lost = false;
    const result = await run(data, design, { maxSteps: 4, interruptRequested: () => lost }, (event) => {
      if (event.type === 'train.onStep' && event.step === 1) lost = true;
    });
    // After a bounded wait the step is trained without interruption.
    expect(result.log).toEqual(['running', 'step 0', 'step 1', 'step 2', 'step 3', 'finished']);
  });
});
