/**
 * What `auto` times: a few training steps of the design itself on the active
 * backend, telemetry every step as the app asks for, and the signature under
 * which the decision is kept (designs that cost the same per step share it).
 */
import { costSignature } from '../../src-shared/design/cost-signature';
import type { Design } from '../../src-shared/design/types';
import type { GraphAnalysis } from '../../src-shared/graph';
import {
  initAutoBackend,
  initBackend,
  type AutoTrial,
  type BackendChoice,
  type BackendPreference,
} from './backend/backend';
import type { LoadedData } from './data/types';
import { chooseWasmThreads, convolutional } from './backend/thread-choice';
import { checkRunMemory, type PreparedRun } from './prepare-run';
import { createTrainer } from './train/trainer';

/** Steps timed after the first (which pays for compiling kernels or shaders). */
export const TRIAL_STEPS = 3;

/** A slow candidate stops timing past this, once one step after the first is in. */
export const TRIAL_BUDGET_MS = 3000;

/**
 * The design's shape for the decision cache (see costSignature), with the data's
 * loaded shapes: renaming a node does not change what a step costs.
 */
export function shapeSignature(design: Design, data: Pick<LoadedData, 'inputShape' | 'outputUnits'>): string {
  return costSignature(design, { inputShape: data.inputShape, outputUnits: data.outputUnits });
}

/**
 * The backend for a run of `run` as `preference` asks: `auto` times the design
 * on each candidate (where there is a hardware GPU; see initAutoBackend).
 */
export async function initBackendForRun(
  preference: BackendPreference,
  run: Pick<PreparedRun, 'design' | 'data' | 'analysis'>,
): Promise<BackendChoice> {
  const choice = await chooseBackendForRun(preference, run);
  // A design too large for the CPU backend is refused by the memory check with its numbers,
  // not timed: past the WebAssembly heap a step aborts instead of failing.
  if (choice.name !== 'wasm' || checkRunMemory(run, choice.name)) return choice;
  return chooseWasmThreads(choice, designTrial(run.design, run.data, run.analysis));
}

async function chooseBackendForRun(
  preference: BackendPreference,
  run: Pick<PreparedRun, 'design' | 'data' | 'analysis'>,
): Promise<BackendChoice> {
  if (preference !== 'auto') return initBackend(preference);
  const base = await initBackend('auto');
  if (checkRunMemory(run, base.name)) return base;
  return initAutoBackend(designTrial(run.design, run.data, run.analysis));
}

/** The trial `auto` runs for one design (see initAutoBackend). */
export function designTrial(design: Design, data: LoadedData, analysis: GraphAnalysis): AutoTrial {
  return {
    signature: shapeSignature(design, data),
    time: () => timeSteps(design, data, analysis),
    convolutional: convolutional(design),
  };
}

/** Median milliseconds per step over {@link TRIAL_STEPS} steps after the first, on the active backend. */
export async function timeSteps(design: Design, data: LoadedData, analysis: GraphAnalysis): Promise<number> {
  const ends: number[] = [];
  const started = performance.now();
  // Enough epochs that the trial's steps exist whatever the data's size.
  const trialDesign = { ...design, training: { ...design.training, epochs: 1 + TRIAL_STEPS } };
  const trainer = createTrainer({
    design: trialDesign,
    data,
    analysis,
    telemetryEvery: 1,
    maxSteps: 1 + TRIAL_STEPS,
    onEvent: (event) => {
      if (event.type !== 'train.onStep') return;
      ends.push(performance.now());
      if (ends.length >= 2 && ends.at(-1)! - started > TRIAL_BUDGET_MS) trainer.stop();
    },
  });
  try {
    await trainer.start();
  } finally {
    trainer.dispose();
  }
  if (ends.length === 0) throw new Error('the trial trained no step');
  if (ends.length === 1) return ends[0] - started;
  const gaps = ends.slice(1).map((end, i) => end - ends[i]);
  return median(gaps);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
