/**
 * Warming the engine before the user's first run. In a fresh engine the
 * first run trains at a third to a half of a later run's rate for its first
 * hundred steps or so (measured in CPU time, so not the machine's load): V8
 * still interprets tfjs's JavaScript, and WebAssembly functions, tfjs-wasm's
 * and the statistics kernel's, start in the baseline compiler and are
 * recompiled optimised only once they are hot. Training a small throwaway
 * network with every-step telemetry and a decision boundary does all of that
 * ahead of time, while the user is still looking at the design; a real request
 * cancels it at the next step.
 */
import { analyzeGraph } from '../../src-shared/graph';
import { initBackend, type BackendChoice, type BackendPreference } from './backend/backend';
import { tf } from './backend/tf';
import { WORKLOADS } from './bench/workloads';
import { loadData } from './data';
import { createTrainer, type Trainer } from './train/trainer';

/** What a warm-up did: for logs and the bench, never shown as a run. */
export interface WarmUpReport {
  backend: BackendChoice;
  steps: number;
  cancelled: boolean;
}

export interface WarmUp {
  readonly done: Promise<WarmUpReport>;
  /** Stops after the step in progress; `done` then resolves with `cancelled: true`. */
  cancel(): void;
}

/**
 * Steps of the warm-up network: in a fresh engine the step rate (CPU time) of
 * such a network settles after 100–150 steps, about a second of one core.
 */
export const WARM_UP_STEPS = 150;

/**
 * Starts warming the engine: the backend `preference` names, then
 * {@link WARM_UP_STEPS} steps of a 10×64 sigmoid MLP (the bench's W1) on
 * spiral data, telemetry every step and the decision boundary every 4, as the
 * app asks for. Leaves no tensors behind and no state a later run could see
 * (runs seed their own weights and batch order). Rejects only if no backend loads.
 */
export function startWarmUp(preference: BackendPreference = 'auto', steps = WARM_UP_STEPS): WarmUp {
  let cancelled = false;
  let trainer: Trainer | undefined;
  const run = async (): Promise<WarmUpReport> => {
    const backend = await initBackend(preference);
    if (cancelled) return { backend, steps: 0, cancelled };
    const design = WORKLOADS.find((w) => w.name === 'W1')!.design;
    const loaded = await loadData(design.data, { seed: design.training.seed, validationSplit: 0 });
    if (!loaded.ok) throw new Error(`warm-up data: ${loaded.error.message}`);
    if (cancelled) return { backend, steps: 0, cancelled };
    const data = loaded.value;
    const analysis = analyzeGraph(design.graph, {
      outputUnits: data.outputUnits,
      dataInputShape: data.inputShape,
    });
    let done = 0;
    const tensorsBefore = tf.memory().numTensors;
    trainer = createTrainer({
      design,
      data,
      analysis,
      telemetryEvery: 1,
      boundaryEvery: 4,
      maxSteps: steps,
      onEvent: (event) => {
        if (event.type === 'train.onStep') done++;
      },
    });
    try {
      if (!cancelled) await trainer.start();
    } finally {
      trainer.dispose();
      trainer = undefined;
    }
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked !== 0) throw new Error(`warm-up left ${leaked} tensors behind`);
    return { backend, steps: done, cancelled };
  };
  const done = run();
  return {
    done,
    cancel() {
      cancelled = true;
      trainer?.stop();
    },
  };
}
