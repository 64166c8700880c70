/**
 * The epoch and step counters beside the progress bar. Before any run there
 * is no step total yet (it depends on the data split the engine makes), but
 * the number of epochs is the design's own setting: "Epoch 0/0" would read
 * as though the design trains for nothing.
 */

/** What the progress line needs of the current run, if there is one. */
export interface RunExtent {
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
}

/** The two counters as shown: `Epoch 3/20` and `Step 41/160` (or `Step 0` before a run). */
export function progressLabels(
  run: RunExtent | null | undefined,
  progress: { readonly epoch: number; readonly step: number },
  designEpochs: number,
): { epoch: string; step: string } {
  if (!run) return { epoch: `Epoch 0/${designEpochs}`, step: 'Step 0' };
  const epochs = run.stepsPerEpoch > 0 ? Math.ceil(run.totalSteps / run.stepsPerEpoch) : 0;
  return { epoch: `Epoch ${progress.epoch + 1}/${epochs}`, step: `Step ${progress.step}/${run.totalSteps}` };
}
