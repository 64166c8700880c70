/**
 * One arm of an experiment, one seed: train a design for N steps with the
 * real trainer and keep what the experiments compare — the gradient profile
 * at initialization and after training, the loss and accuracy after N
 * updates, divergence, and the activation statistics of chosen nodes over
 * training.
 */
import { stepRecord, type LayerInfo, type StepRecord } from '../../../src-shared/telemetry';
import type { Design } from '../../../src-shared/design/types';
import { outputNode } from '../model/network';
import type { LoadedData } from '../data/types';
import { createTrainer } from '../train/trainer';
import { evaluate } from '../train/evaluate';
import { gradientProfile, type GradientProfile } from './metrics';

/** Mean and std of a node's output at one step. */
export interface ActivationSample {
  step: number;
  mean: number;
  std: number;
}

/** Everything measured on one arm with one seed. */
export interface ArmRun {
  seed: number;
  /** Updates applied before `trained` and `loss` were measured. */
  steps: number;
  init: GradientProfile;
  /** The profile at the weights after `steps` updates; null when the run diverged first. */
  trained: GradientProfile | null;
  /**
   * Mean training-batch loss over the last tenth of the steps, in training
   * mode (what the optimizer saw, as in He et al.'s training curves; free of
   * the lag of batch normalization's moving statistics). NaN if diverged.
   */
  batchLoss: number;
  /** Loss on the whole training split after `steps` updates, in inference mode (last good weights if diverged). */
  loss: number;
  /** Accuracy on the validation split (the training split when there is none). */
  accuracy: number | null;
  diverged: { step: number; layerId: string | null; message: string } | null;
  /** Output statistics over training of each probed node id. */
  probes: Record<string, ActivationSample[]>;
  seconds: number;
}

/** How to run one arm. */
export interface ArmOptions {
  seed: number;
  steps: number;
  /** Node ids whose activation mean/std are recorded at every telemetry step. */
  probes?: readonly string[];
  /** Telemetry records over the run, besides step 0 (default 10). */
  samples?: number;
}

/**
 * Trains `design` on `data` for `steps` updates (plus one step whose
 * telemetry — computed before its update — describes the trained weights).
 * Loss and accuracy are evaluated right after update `steps`, in the step
 * event, so they see exactly `steps` updates. With `steps` 0 only the
 * initialization is measured (one step's telemetry, no evaluation).
 */
export async function runArm(design: Design, data: LoadedData, options: ArmOptions): Promise<ArmRun> {
  const started = performance.now();
  const { steps, seed } = options;
  const every = Math.max(1, Math.floor(steps / (options.samples ?? 10)));
  const probes: Record<string, ActivationSample[]> = {};
  for (const id of options.probes ?? []) probes[id] = [];
  const records: StepRecord[] = [];
  let layers: LayerInfo[] = [];
  let evaluated: { loss: number; accuracy: number | null } | undefined;
  let diverged: ArmRun['diverged'] = null;
  const tail = Math.max(1, Math.floor(steps / 10));
  let tailSum = 0;
  const trainer = createTrainer({
    design,
    data,
    seed,
    telemetryEvery: every,
    epochs: Number.MAX_SAFE_INTEGER,
    maxSteps: steps + 1,
    onEvent: (event) => {
      if (event.type === 'train.onStarted') layers = event.layers;
      if (event.type === 'train.onStep') {
        const telemetry = stepRecord(event, layers);
        if (telemetry) record(telemetry);
        if (event.step >= steps - tail && event.step < steps) tailSum += event.loss;
        if (event.step === steps - 1) evaluated = evaluateNow();
      }
      if (event.type === 'train.onDiverged') {
        diverged = { step: event.step, layerId: event.layerId, message: event.message };
      }
    },
  });
  const record = (step: StepRecord) => {
    records.push(step);
    for (const id of Object.keys(probes)) {
      const layer = step.layers.find((l) => l.id === id);
      if (layer) probes[id].push({ step: step.step, mean: layer.activationMean, std: layer.activationStd });
    }
  };
  const evaluateNow = () => {
    const loss = outputNode(trainer.network).params.loss;
    const classification = data.task === 'classification';
    const split = data.validation ?? data.train;
    const train = evaluate(trainer.network, data.train, data.inputShape, loss, classification);
    const validation = evaluate(trainer.network, split, data.inputShape, loss, classification);
    return { loss: train.loss, accuracy: validation.accuracy };
  };
  try {
    await trainer.start();
    if (records.length === 0) throw new Error(`${design.name}: no telemetry (diverged at step 0?)`);
    const final = steps === 0 ? { loss: NaN, accuracy: null } : (evaluated ?? evaluateNow());
    const last = records[records.length - 1];
    return {
      seed,
      steps,
      init: gradientProfile(records[0]),
      trained: steps > 0 && !diverged && last.step === steps ? gradientProfile(last) : null,
      batchLoss: diverged || steps === 0 ? NaN : tailSum / tail,
      loss: final.loss,
      accuracy: final.accuracy,
      diverged,
      probes,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    trainer.dispose();
  }
}
