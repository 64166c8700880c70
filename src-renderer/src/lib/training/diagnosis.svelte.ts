/**
 * The diagnosis of the current run, refreshed by the session's flush (about
 * once a second while training, and when the run ends) from the first
 * record and a recent window, never from the whole run.
 *
 * One refresh is three frame jobs: unpack the records, diagnose them, show
 * the findings. For 100 layers each takes 1–5 ms; in one frame they took
 * 5–12 ms, and 25–40 ms the first time (cold code, the findings' cards built).
 */
import { diagnose } from '../../../../src-shared/diagnosis';
import type { DiagnosisContext, Finding } from '../../../../src-shared/diagnosis/types';
import type { StepRecord } from '../../../../src-shared/telemetry';
import { frameScheduler, type FrameScheduler } from './frame-scheduler';
import { sampleRecords } from './records';
import type { TrainingSession } from './session.svelte';

export class RunDiagnosis {
  findings = $state.raw<Finding[]>([]);
  /** The run the findings describe, so a view can tell stale findings from none. */
  runId = $state(-1);

  readonly #frames: FrameScheduler;
  /** Unpacked and waiting to be diagnosed; a newer refresh replaces it. */
  #input: { runId: number; records: StepRecord[]; context: DiagnosisContext } | null = null;
  /** Diagnosed and waiting to be shown. */
  #result: { runId: number; findings: Finding[] } | null = null;
  readonly #diagnoseJob = () => this.#diagnose();
  readonly #showJob = () => this.#show();

  constructor(frames: FrameScheduler = frameScheduler) {
    this.#frames = frames;
  }

  update(session: TrainingSession): void {
    const run = session.run;
    const design = session.trainedDesign;
    if (!run || !design || run.count === 0) {
      this.#input = this.#result = null;
      this.#frames.cancel(this.#diagnoseJob);
      this.#frames.cancel(this.#showJob);
      this.findings = [];
      this.runId = -1;
      return;
    }
    const context = { design, diverged: session.diverged ?? undefined };
    this.#input = { runId: run.runId, records: sampleRecords(run), context };
    this.#frames.request(this.#diagnoseJob);
  }

  #diagnose(): void {
    const input = this.#input;
    if (!input) return;
    this.#input = null;
    let findings: Finding[];
    try {
      findings = diagnose(input.records, input.context);
    } catch (error) {
      // A rule that throws must not take the training view down with it.
      console.warn('diagnosis failed', error);
      findings = [];
    }
    this.#result = { runId: input.runId, findings };
    this.#frames.request(this.#showJob);
  }

  #show(): void {
    const result = this.#result;
    if (!result) return;
    this.#result = null;
    this.findings = result.findings;
    this.runId = result.runId;
  }
}
