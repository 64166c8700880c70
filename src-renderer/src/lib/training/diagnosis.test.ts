import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../../src-shared/diagnosis/diagnose';
import { loadRun } from '../../../../src-shared/diagnosis/fixtures';
import type { Finding } from '../../../../src-shared/diagnosis/types';
import type { Design } from '../../../../src-shared/design/types';
import {
  HISTOGRAM_BINS,
  LAYER_STAT_FIELDS,
  LAYER_STAT_STRIDE,
  type StepRecord,
} from '../../../../src-shared/telemetry';
import { RunDiagnosis } from './diagnosis.svelte';
import type { FrameJob, FrameScheduler } from './frame-scheduler';
import { sampleRecords } from './records';
import { RunTelemetry } from './run-telemetry';
import type { TrainingSession } from './session.svelte';

/** Animation frames the test runs by hand. */
function manualFrames() {
  const queue = new Set<FrameJob>();
  const frames: FrameScheduler = {
    request: (job) => void queue.add(job),
    cancel: (job) => void queue.delete(job),
  };
  const runFrame = () => {
    const [job] = queue;
    queue.delete(job);
    job?.();
  };
  return { frames, runFrame, runFrames: () => [...Array(10)].forEach(runFrame), waiting: () => queue.size };
}

/** A recorded step as the engine sends it (NaN for null). */
function pack(record: StepRecord): Float32Array {
  const stats = new Float32Array(record.layers.length * LAYER_STAT_STRIDE).fill(NaN);
  record.layers.forEach((layer, l) => {
    const base = l * LAYER_STAT_STRIDE;
    LAYER_STAT_FIELDS.forEach((field, f) => (stats[base + f] = layer[field] ?? NaN));
    for (let b = 0; b < HISTOGRAM_BINS; b++)
      stats[base + LAYER_STAT_FIELDS.length + b] = layer.gradHistogram?.[b] ?? NaN;
  });
  return stats;
}

function push(run: RunTelemetry, records: readonly StepRecord[]): void {
  for (const r of records) run.pushStep({ ...r, stats: pack(r) });
}

/** What a finding says, without its remedies (functions, new for every diagnosis). */
const said = (findings: readonly Finding[]) => findings.map((f) => `${f.id}: ${f.title} | ${f.detail}`);

describe('RunDiagnosis', () => {
  const { design, records } = loadRun('vanishing-sigmoid');
  const layers = records[0].layers.map(({ id, type }) => ({ id, type }));
  const sessionOf = (run: RunTelemetry | null, trained: Design = design) =>
    ({ run, trainedDesign: trained, diverged: null }) as unknown as TrainingSession;

  it('reads the records, diagnoses them and shows the findings in three frames', () => {
    const { frames, runFrame, waiting } = manualFrames();
    const run = new RunTelemetry(1, layers, 200, 8);
    push(run, records);
    const diagnosis = new RunDiagnosis(frames);

    diagnosis.update(sessionOf(run));
    expect(diagnosis.runId).toBe(-1);
    runFrame();
    expect(diagnosis.runId, 'diagnosed, not yet shown').toBe(-1);
    runFrame();
    expect(diagnosis.runId).toBe(1);
    const expected = said(diagnose(sampleRecords(run), { design }));
    expect(expected.length, 'the fixture has findings to compare').toBeGreaterThan(0);
    expect(said(diagnosis.findings)).toEqual(expected);
    expect(waiting()).toBe(0);
  });

  it('diagnoses the newest records when a refresh comes before the last one was diagnosed', () => {
    const { frames, runFrames } = manualFrames();
    const run = new RunTelemetry(1, layers, 200, 8);
    push(run, records.slice(0, 6));
    const early = said(diagnose(sampleRecords(run), { design }));
    const diagnosis = new RunDiagnosis(frames);

    diagnosis.update(sessionOf(run));
    push(run, records.slice(6));
    diagnosis.update(sessionOf(run));
    runFrames();
    const late = said(diagnose(sampleRecords(run), { design }));
    expect(late, 'the two windows read differently').not.toEqual(early);
    expect(said(diagnosis.findings)).toEqual(late);
  });

  it('clears at once when there is no telemetry, and a pending diagnosis does not bring findings back', () => {
    const { frames, runFrame, runFrames } = manualFrames();
    const run = new RunTelemetry(1, layers, 200, 8);
    push(run, records);
    const diagnosis = new RunDiagnosis(frames);
    diagnosis.update(sessionOf(run));
    runFrames();
    expect(diagnosis.findings.length).toBeGreaterThan(0);

    diagnosis.update(sessionOf(run));
    runFrame();
    diagnosis.update(sessionOf(null));
    expect(diagnosis.findings).toEqual([]);
    expect(diagnosis.runId).toBe(-1);
    runFrames();
    expect(diagnosis.findings).toEqual([]);
    expect(diagnosis.runId).toBe(-1);
  });
});
