/**
 * Telemetry as CSV: one row per (record, layer), long format, so a
 * spreadsheet or pandas can pivot it any way. Values keep float32 precision;
 * statistics that do not apply are empty cells.
 */
import { HISTOGRAM_BINS, HISTOGRAM_LOG10_MIN, LAYER_STAT_FIELDS } from '../../../../src-shared/telemetry';
import type { RunTelemetry } from './run-telemetry';

const HISTOGRAM_COLUMNS = Array.from(
  { length: HISTOGRAM_BINS },
  (_, i) => `hist_1e${HISTOGRAM_LOG10_MIN + i}`,
);

export const CSV_HEADER = [
  'run',
  'step',
  'epoch',
  'loss',
  'accuracy',
  'layer',
  'type',
  ...LAYER_STAT_FIELDS,
  ...HISTOGRAM_COLUMNS,
  // Add and concatenate layers: each input's path norm at the block input, `;`-separated in input order.
  'pathGradNorms',
  'skipRatio',
];

const cell = (v: number) =>
  Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '' : v > 0 ? 'Infinity' : '-Infinity';
/** Layer ids are design ids (letters, digits, _ -), but quote anyway in case a rule changes. */
const text = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Index of `step` among the steps seen (steps arrive in order), or -1. */
function stepIndex(run: RunTelemetry, step: number): number {
  const guess = step - run.stepNumbers[0];
  if (guess >= 0 && guess < run.stepCount && run.stepNumbers[guess] === step) return guess;
  for (let i = 0; i < run.stepCount; i++) if (run.stepNumbers[i] === step) return i;
  return -1;
}

export function telemetryCsv(run: RunTelemetry, runLabel = String(run.runId)): string {
  const lines = [CSV_HEADER.join(',')];
  for (let r = 0; r < run.count; r++) {
    const step = run.recordSteps[r];
    const s = stepIndex(run, step);
    const loss = s >= 0 ? cell(run.stepLoss[s]) : '';
    const accuracy = s >= 0 ? cell(run.stepAccuracy[s]) : '';
    const epoch = run.stepsPerEpoch > 0 ? Math.floor(step / run.stepsPerEpoch) : 0;
    const prefix = `${text(runLabel)},${step},${epoch},${loss},${accuracy}`;
    run.layers.forEach((layer, l) => {
      const stats = LAYER_STAT_FIELDS.map((f) => cell(run.value(f, r, l)));
      const hasHistogram = !Number.isNaN(run.value('gradNorm', r, l));
      const hist = hasHistogram ? Array.from(run.histogram(r, l), cell) : HISTOGRAM_COLUMNS.map(() => '');
      const paths = run.paths(r, l);
      const flow = paths
        ? `${Array.from(paths.norms, cell).join(';')},${cell(run.value('skipRatio', r, l))}`
        : ',';
      lines.push(`${prefix},${text(layer.id)},${layer.type},${stats.join(',')},${hist.join(',')},${flow}`);
    });
  }
  return lines.join('\n') + '\n';
}
