/**
 * The trainer: a design and its loaded data in, a stream of events out. A
 * factory with explicit controls (start, pause, resume, step, stop, dispose)
 * and no Electron import, so the CLI, the worker and the tests drive the same
 * code.
 */
import type { Design } from '../../../src-shared/design/types';
import { analyzeGraph, type GraphAnalysis } from '../../../src-shared/graph';
import type { TrainingState, UntaggedRunEvent } from '../../../src-shared/protocol';
import type { LayerInfo } from '../../../src-shared/telemetry';
import { boundarySchedule } from './boundary-schedule';
import { dataPreview, decisionBoundary, decisionBoundaryAsync, hasPlane, planeRange } from './boundary';
import { tf } from '../backend/tf';
import { createRandom, deriveSeed, permutation } from '../data/random';
import type { LoadedData } from '../data/types';
import { gatherBatch } from '../data/batch';
import { interruptibly, TrainingInterrupted, type InterruptSource } from '../model/interrupt';
import { buildNetwork, outputNode, type Network, type WeightValues } from '../model/network';
import { locateNonFinite, locateNonFiniteAsync, type NonFiniteLocation } from './divergence';
import { evaluate, evaluateAsync } from './evaluate';
import { createOptimizer } from './optimizers';
import { beginStep, readStep, trainingStep, type StepContext, type StepOutcome } from './step';
import { mergeInfo } from './merge-flows';
import { readsAsync } from '../backend/readback';

/**
 * Everything a trainer reports, in order: the engine's run events without
 * the run tag, which the service adds (`{ ...event, runId }`). `train.onStarted`
 * lacks the backend and notices too, which only the service knows.
 */
export type TrainerEvent =
  | Exclude<UntaggedRunEvent, { type: 'train.onStarted' }>
  | Omit<Extract<UntaggedRunEvent, { type: 'train.onStarted' }>, 'backend' | 'notices'>;

export interface TrainerOptions {
  design: Design;
  data: LoadedData;
  /**
   * The design's graph analysis with this data's shapes, as prepareRun made
   * it; a run checks its graph once and passes the result. Analysed here when
   * absent (tests that build a design and data by hand).
   */
  analysis?: GraphAnalysis;
  /** Record telemetry every K steps (1 = every step); 0 disables it. */
  telemetryEvery: number;
  /** Overrides design.training.epochs. */
  epochs?: number;
  /** Stop after this many steps in total, whatever the epochs. */
  maxSteps?: number;
  /** Overrides design.training.seed. */
  seed?: number;
  /**
   * False: no loss and accuracy over the data set at the end of each epoch (no
   * `train.onEpoch`). The bench times training steps against a PyTorch twin
   * that evaluates nothing; on W4 the evaluations were a fifth of the time.
   */
  evaluateEpochs?: boolean;
  /** For 2-D classification data: send the decision boundary every K steps (0 or absent: never). */
  boundaryEvery?: number;
  /**
   * At most this share (0–1) of the run's time on boundaries: a due boundary
   * waits while it would cost more (see boundary-schedule.ts). Absent: every
   * `boundaryEvery` steps. A single step and the last step always get one.
   */
  boundaryMaxShare?: number;
  /**
   * Start from these weights (e.g. an imported model's), keyed `nodeId/role`,
   * instead of the seeded initializers; see buildNetwork.
   */
  initialWeights?: WeightValues;
  /**
   * True while a pause or stop request is on its way to this trainer (the
   * worker reads a flag its host sets before posting one; see
   * worker/interrupt-requests.ts). The trainer then abandons the step,
   * boundary or evaluation it is computing, lets the request be handled and
   * carries on from where it was. Absent: work is never abandoned, and
   * pause and stop take effect between steps.
   */
  interruptRequested?: InterruptSource;
  onEvent: (event: TrainerEvent) => void;
}

export interface Trainer {
  readonly network: Network;
  readonly layers: LayerInfo[];
  readonly totalSteps: number;
  state(): TrainingState;
  /** Runs until finished, stopped or diverged; resolves then. */
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  /** While paused: run exactly one more step. */
  step(): void;
  stop(): void;
  /** Frees every tensor the trainer owns. */
  dispose(): void;
}

/**
 * Builds the network (seeded weights) and prepares the batch order. Throws
 * only on a design the graph rules refuse; callers validate first.
 */
export function createTrainer(options: TrainerOptions): Trainer {
  const { design, data } = options;
  const training = design.training;
  const seed = options.seed ?? training.seed;
  const analysis =
    options.analysis ??
    analyzeGraph(design.graph, { outputUnits: data.outputUnits, dataInputShape: data.inputShape });
  const network = buildNetwork(design, analysis, seed, { initialWeights: options.initialWeights });
  const context = createStepContext(design, data, network);
  const { optimizer, loss: lossName } = context;
  const layers = observedLayers(network);
  const batchSize = runBatchSize(design, data);
  const stepsPerEpoch = Math.ceil(data.train.n / batchSize);
  const epochs = options.epochs ?? training.epochs;
  const totalSteps = Math.min(options.maxSteps ?? Infinity, epochs * stepsPerEpoch);

  const plane = hasPlane(data) ? planeRange(data) : undefined;
  const boundaries = boundarySchedule({
    every: options.boundaryEvery ?? 0,
    maxShare: options.boundaryMaxShare,
  });
  let state: TrainingState = 'idle';
  let stepIndex = 0;
  let wake: (() => void) | undefined;
  let pendingSingleStep = false;
  let disposed = false;
  // Read through a function: TypeScript would otherwise narrow `state` inside
  // the async loop and miss that pause/stop change it between awaits.
  const current = (): TrainingState => state;
  const setState = (next: TrainingState) => {
    state = next;
    options.onEvent({ type: 'train.onState', state: next });
    wake?.();
  };

  // Set when a wait for an interrupting request ran out: the next attempt then runs to the
  // end, so a request that never arrives costs latency, never progress.
  let ignoreNextInterrupt = false;

  /** `work()`'s result, or INTERRUPTED when a pending pause or stop made it give up part-way. */
  const attempt = <T>(work: () => T): T | typeof INTERRUPTED => {
    const source = ignoreNextInterrupt ? undefined : options.interruptRequested;
    ignoreNextInterrupt = false;
    try {
      return interruptibly(source, work);
    } catch (error) {
      if (error instanceof TrainingInterrupted) return INTERRUPTED;
      throw error;
    }
  };

  /** False when the run diverged; INTERRUPTED when a pause or stop cut the step short (not counted). */
  const runOneStep = async (epoch: number, rows: Int32Array): Promise<boolean | typeof INTERRUPTED> => {
    const { x, y } = gatherBatch(data.train, rows, data.inputShape);
    try {
      const every = options.telemetryEvery;
      const telemetry = every > 0 && stepIndex % every === 0;
      const stepOptions = { telemetry, dropoutSeed: stepDropoutSeed(seed, stepIndex) };
      let outcome: StepOutcome | typeof INTERRUPTED;
      if (readsAsync()) {
        // WebGPU: the step is begun under the interruption check and settled once its read-back arrives.
        const pending = attempt(() => beginStep(context, x, y, stepOptions));
        outcome = pending === INTERRUPTED ? INTERRUPTED : (await readStep(pending))();
      } else {
        outcome = attempt(() => trainingStep(context, x, y, stepOptions));
      }
      if (outcome === INTERRUPTED) return INTERRUPTED;
      if (!outcome.finite) {
        const where = readsAsync()
          ? await locateNonFiniteAsync(network, x, y, lossName)
          : locateNonFinite(network, x, y, lossName);
        setState('diverged');
        options.onEvent({
          type: 'train.onDiverged',
          step: stepIndex,
          epoch,
          layerId: where.layerId,
          message: divergenceMessage(stepIndex, outcome.loss, where, training.learningRate),
        });
        return false;
      }
      options.onEvent({
        type: 'train.onStep',
        step: stepIndex,
        epoch,
        loss: outcome.loss,
        accuracy: outcome.accuracy,
        stats: outcome.stats ?? null,
      });
      stepIndex++;
      return true;
    } finally {
      tf.dispose([x, y]);
    }
  };

  /** Lets pause and stop messages that arrived meanwhile run; false once the run is stopped. */
  const yieldToControls = async () => {
    await nextTurn();
    return current() !== 'stopped' && !disposed;
  };

  const waitWhilePaused = async () => {
    while (current() === 'paused' && !pendingSingleStep) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  };

  /**
   * After an interruption: waits until the requests that caused it have been handled (the
   * source can turn true before its message is delivered) or the run is over.
   */
  const settleInterruption = async () => {
    const deadline = performance.now() + SETTLE_LIMIT_MS;
    while (options.interruptRequested?.() && current() !== 'stopped' && !disposed) {
      if (performance.now() > deadline) return void (ignoreNextInterrupt = true);
      await nextTurn();
    }
  };

  /**
   * Runs `work`, which changes no weight, after yielding to the controls; an interrupted
   * attempt is made again once the request is handled, even while paused (what it shows
   * belongs to the weights the run paused at). Undefined once the run is stopped.
   */
  const completed = async <T>(work: () => T | Promise<T>): Promise<{ value: T } | undefined> => {
    for (;;) {
      if (!(await yieldToControls())) return undefined;
      // Only the synchronous part is interruptible; an awaited read-back (WebGPU) runs to its end.
      const outcome = attempt(work);
      if (outcome !== INTERRUPTED) return { value: await outcome };
      await settleInterruption();
    }
  };

  const start = async () => {
    if (state !== 'idle') throw new Error(`trainer already ${state}`);
    options.onEvent({
      type: 'train.onStarted',
      layers,
      totalSteps,
      stepsPerEpoch,
      dataPreview: dataPreview(data),
    });
    setState('running');
    for (let epoch = 0; stepIndex < totalSteps; epoch++) {
      const order = epochOrder(seed, data.train.n, epoch);
      let start = 0;
      while (start < data.train.n && stepIndex < totalSteps) {
        // Yield so pause/stop messages are handled between steps.
        if (!(await yieldToControls())) return;
        await waitWhilePaused();
        if (current() === 'stopped' || disposed) return;
        const singleStep = pendingSingleStep;
        pendingSingleStep = false;
        const outcome = await runOneStep(epoch, order.subarray(start, start + batchSize));
        if (outcome === INTERRUPTED) {
          // Nothing was committed (the update comes after the backward pass) and the step
          // was not counted: once the request is handled the same batch is trained again,
          // with the same step index and so the same dropout masks. A Step asked for while
          // paused is still owed unless the run was stopped.
          await settleInterruption();
          if (singleStep && current() === 'paused') pendingSingleStep = true;
          continue;
        }
        if (!outcome) return;
        start += batchSize;
        // The boundary (a forward pass over a grid) and the epoch's evaluation (over the whole
        // data set) cost as much as a step or more (for 100 layers: boundary 31 ms, step 18 ms),
        // so they yield first and can be interrupted too.
        const step = stepIndex - 1;
        if (plane && boundaries.due(step, singleStep || stepIndex === totalSteps)) {
          const boundary = await completed(() =>
            boundaries.measure(() =>
              (readsAsync() ? decisionBoundaryAsync : decisionBoundary)(
                network,
                plane,
                data.outputUnits,
                step,
              ),
            ),
          );
          if (!boundary) return;
          options.onEvent({ type: 'train.onBoundary', ...boundary.value });
        }
        if (singleStep && current() === 'running') setState('paused');
      }
      const endOfEpoch = stepIndex % stepsPerEpoch === 0;
      if (endOfEpoch && options.evaluateEpochs !== false) {
        const evaluation = await completed(() => evaluateEpoch(data, context));
        if (!evaluation) return;
        options.onEvent({ type: 'train.onEpoch', epoch, step: stepIndex, ...evaluation.value });
      }
    }
    setState('finished');
  };

  return {
    network,
    layers,
    totalSteps,
    state: () => state,
    start,
    pause: () => state === 'running' && setState('paused'),
    resume: () => state === 'paused' && setState('running'),
    step: () => {
      if (state !== 'paused') return;
      pendingSingleStep = true;
      wake?.();
    },
    stop: () => {
      if (state === 'running' || state === 'paused' || state === 'idle') setState('stopped');
    },
    dispose: () => {
      disposed = true;
      if (state === 'running' || state === 'paused') setState('stopped');
      optimizer.dispose();
      network.dispose();
    },
  };
}

/**
 * How a step trains `network` for `design` and `data`: its loss, a fresh
 * optimizer (the caller disposes it) and the clipping. The trainer and the
 * preview at initialisation (init-preview.ts) build it here, so the preview is
 * computed exactly as step 0.
 */
export function createStepContext(design: Design, data: LoadedData, network: Network): StepContext {
  const training = design.training;
  return {
    network,
    optimizer: createOptimizer({
      name: training.optimizer,
      learningRate: training.learningRate,
      momentum: training.momentum ?? 0.9,
    }),
    loss: outputNode(network).params.loss,
    classification: data.task === 'classification',
    clipNorm: training.clipNorm ?? 0,
    optimizerName: training.optimizer,
    learningRate: training.learningRate,
  };
}

/** The layers a step's telemetry describes: every node but the input, in network order. */
export function observedLayers(network: Network): LayerInfo[] {
  const merges = mergeInfo(network);
  return network.nodes.flatMap((n, i) => {
    if (n.type === 'input') return [];
    const merge = merges.get(i);
    return [merge ? { id: n.id, type: n.type, merge } : { id: n.id, type: n.type }];
  });
}

/** Examples per step: the design's batch size, or the whole training split when it is smaller. */
export function runBatchSize(design: Design, data: LoadedData): number {
  return Math.min(design.training.batchSize, data.train.n);
}

/** The order of the training rows in `epoch`: the same seed gives the same batches. */
export function epochOrder(seed: number, rows: number, epoch: number): Int32Array {
  return permutation(rows, createRandom(deriveSeed(seed, 'shuffle', String(epoch))));
}

/** The dropout masks' seed at step `step` (the same for a step retried after an interruption). */
export function stepDropoutSeed(seed: number, step: number): number {
  return deriveSeed(seed, 'dropout', String(step));
}

/** What {@link createTrainer}'s `attempt` returns for work a pause or stop interrupted. */
const INTERRUPTED = Symbol('interrupted');

/**
 * How long an interrupted trainer waits for the request it saw to be handled. Messages are
 * delivered within a turn or two of the event loop; this only bounds a lost one.
 */
const SETTLE_LIMIT_MS = 1000;

/**
 * A macrotask turn, so messages (pause, stop) are handled between steps. Node's setImmediate;
 * in a browser page (the GPU engine) a MessageChannel message, which, unlike a nested
 * setTimeout(0), is not clamped to 4 ms.
 */
const nextTurn: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise<void>((resolve) => setImmediate(resolve))
    : pageTurns();

function pageTurns(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}

type Evaluation = ReturnType<typeof evaluate>;

/** Loss and accuracy over the training and validation splits; a promise only on a backend that reads asynchronously. */
function evaluateEpoch(data: LoadedData, context: StepContext) {
  const split = (which: LoadedData['train']) =>
    (readsAsync() ? evaluateAsync : evaluate)(
      context.network,
      which,
      data.inputShape,
      context.loss,
      context.classification,
    );
  if (!readsAsync())
    return summarise(
      split(data.train) as Evaluation,
      data.validation ? (split(data.validation) as Evaluation) : null,
    );
  return (async () =>
    summarise(await split(data.train), data.validation ? await split(data.validation) : null))();
}

function summarise(train: Evaluation, validation: Evaluation | null) {
  return {
    loss: train.loss,
    accuracy: train.accuracy,
    validationLoss: validation?.loss ?? null,
    validationAccuracy: validation?.accuracy ?? null,
  };
}

function divergenceMessage(
  step: number,
  loss: number,
  where: NonFiniteLocation,
  learningRate: number,
): string {
  let what = Number.isFinite(loss) ? 'a gradient became NaN or infinite' : `the loss became ${loss}`;
  let place = where.layerId ? ` (first at ${where.layerId}'s ${where.stage})` : '';
  if (where.stage === 'gradient norm') {
    what = 'the gradient exploded beyond what float32 can hold';
    place = ` (largest at ${where.layerId}: |g| = ${where.magnitude?.toExponential(1)})`;
  }
  return (
    `Training diverged at step ${step}: ${what}${place}. The run was stopped before that update, ` +
    `so the last good weights are kept. Try a lower learning rate (now ${learningRate}), gradient clipping, or BatchNorm.`
  );
}
