/**
 * The telemetry the diagnosis reads, as the JSON records it expects: the
 * first record (the network at initialization) and a recent window. Only
 * those are unpacked, so diagnosing a 10,000-step run costs the same as a
 * 20-step one.
 */
import { LAYER_STAT_FIELDS, type LayerTelemetry, type StepRecord } from '../../../../src-shared/telemetry';
import type { RunTelemetry } from './run-telemetry';

export function recordAt(run: RunTelemetry, r: number): StepRecord {
  const step = run.recordSteps[r];
  const s = run.stepNumbers[0] <= step ? step - run.stepNumbers[0] : -1;
  const ok = s >= 0 && s < run.stepCount && run.stepNumbers[s] === step;
  const accuracy = ok ? run.stepAccuracy[s] : NaN;
  return {
    type: 'step',
    step,
    epoch: run.stepsPerEpoch > 0 ? Math.floor(step / run.stepsPerEpoch) : 0,
    loss: ok ? run.stepLoss[s] : NaN,
    accuracy: Number.isNaN(accuracy) ? null : accuracy,
    layers: run.layers.map((layer, l) => {
      const entry: Record<string, unknown> = { id: layer.id, type: layer.type };
      for (const field of LAYER_STAT_FIELDS) {
        const v = run.value(field, r, l);
        entry[field] = Number.isNaN(v) ? null : v;
      }
      entry.gradHistogram = entry.gradNorm === null ? null : Array.from(run.histogram(r, l));
      return entry as unknown as LayerTelemetry;
    }),
  };
}

/** The first record and the last `recent` ones, in order. */
export function sampleRecords(run: RunTelemetry, recent = 10): StepRecord[] {
  if (run.count === 0) return [];
  const picks = new Set([0]);
  for (let r = Math.max(1, run.count - recent); r < run.count; r++) picks.add(r);
  return [...picks].map((r) => recordAt(run, r));
}
