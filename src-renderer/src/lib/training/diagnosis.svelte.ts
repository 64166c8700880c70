/**
 * The diagnosis of the current run, refreshed by the session's flush (about
 * once a second while training, and when the run ends) from the first
 * record and a recent window, never from the whole run.
 */
import { diagnose } from '../../../../src-shared/diagnosis';
import type { Finding } from '../../../../src-shared/diagnosis/types';
import { sampleRecords } from './records';
import type { TrainingSession } from './session.svelte';

export class RunDiagnosis {
  findings = $state.raw<Finding[]>([]);
  /** The run the findings describe, so a view can tell stale findings from none. */
  runId = $state(-1);

  update(session: TrainingSession): void {
    const run = session.run;
    const design = session.trainedDesign;
    if (!run || !design || run.count === 0) {
      this.findings = [];
      this.runId = -1;
      return;
    }
    const diverged = session.diverged ?? undefined;
    try {
      this.findings = diagnose(sampleRecords(run), { design, diverged });
    } catch (error) {
      // A rule that throws must not take the training view down with it.
      console.warn('diagnosis failed', error);
      this.findings = [];
    }
    this.runId = run.runId;
  }
}
