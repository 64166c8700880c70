/**
 * Context pairs for the training view. The node tint is its own small
 * interface so the editor's LayerNode can colour itself by gradient without
 * knowing anything about training (and draws as before when no tint is set).
 */
import { createContext } from 'svelte';
import type { RunDiagnosis } from './diagnosis.svelte';
import type { InitPreviewState } from './init-preview.svelte';
import type { RunLibrary } from './runs.svelte';
import type { TrainingSession } from './session.svelte';
import type { TrainingView } from './view.svelte';

export const [getTraining, setTraining] = createContext<TrainingSession>();
export const [getTrainingView, setTrainingView] = createContext<TrainingView>();
export const [getDiagnosis, setDiagnosis] = createContext<RunDiagnosis>();
export const [getRuns, setRuns] = createContext<RunLibrary>();
export const [getInitPreview, setInitPreview] = createContext<InitPreviewState>();

/** What a layer node may ask: its colour on the gradient scale now, and a line saying why. */
export interface NodeTint {
  colour(nodeId: string): string | undefined;
  describe(nodeId: string): string | undefined;
  /**
   * An add or concatenate layer's share of the gradient reaching its block
   * input through the skip (0…1, docs/telemetry.md) at the latest record,
   * and whether that input is an identity (else it is the first input);
   * undefined for other layers, or when it is not known.
   */
  skipShare?(nodeId: string): { share: number; identity: boolean } | undefined;
}

export const [getNodeTint, setNodeTint, hasNodeTint] = createContext<NodeTint>();
