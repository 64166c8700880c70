/**
 * Which run's trained weights File → Export offers: a run chosen in the Runs
 * list (its kept weights, with the design it trained), else the open
 * design's current run, never a run of another document.
 */
import type { TrainedRun } from '../files/model-files.svelte';
import type { EngineCalls } from '../engine/calls';
import type { RunLibrary } from './runs.svelte';
import type { TrainingSession } from './session.svelte';

export function trainedRunFor(
  session: TrainingSession,
  runs: RunLibrary,
  documentId: () => number,
): (chosen: string | null) => TrainedRun | null {
  return (chosen) => {
    const picked = chosen ? runs.get(chosen) : undefined;
    if (picked?.weights)
      return {
        runId: null,
        steps: picked.info.steps,
        name: picked.info.name,
        kept: { designText: picked.info.designText, weights: picked.weights },
      };
    const run = session.run;
    if (!run || session.documentId !== documentId()) return null;
    return {
      runId: run.runId,
      steps: session.progress.step,
      name: runs.byEngineRun(run.runId)?.info.name ?? null,
    };
  };
}

/** Asks the engine for an ended run's weights (Backflow's weights file: safetensors keyed nodeId/role). */
export function weightsTaker(calls: EngineCalls): (engineRunId: number) => Promise<Uint8Array | null> {
  return async (engineRunId) => {
    const result = await calls.exportModel({ from: 'run', runId: engineRunId }, 'weights');
    return result.ok
      ? (result.value.files.find((f) => f.name === 'weights.safetensors')?.bytes ?? null)
      : null;
  };
}
