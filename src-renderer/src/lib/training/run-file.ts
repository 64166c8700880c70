/**
 * A kept run as a file (docs/runs.md): JSON Lines, read back exactly. The
 * first line describes the run (`"type":"run"`, with the design it trained);
 * then one `"type":"step"` line per kept telemetry record with the heatmap
 * quantities per layer (the field names of `backflow train --telemetry`),
 * one `"type":"loss"` line per kept loss point, and one `"type":"epoch"` line
 * per epoch. The same text is a download, an upload, and what the page's
 * storage holds. Also the run as CSV (one row per record and layer).
 */
import type { EpochSummary, LayerInfo } from '../../../../src-shared/telemetry';
import { digestRun, RunDigest, type DigestFields, type RunSeries } from './run-digest';
import { HEATMAP_FIELDS } from './run-telemetry';
import type { KeptRun, RunInfo, RunState } from './runs.svelte';

export const RUN_FILE_FORMAT = 'backflow-run';
export const RUN_FILE_VERSION = 1;

/** JSON has no NaN: a statistic that does not apply is null. */
const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
const back = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** The run as JSON Lines (its telemetry digested first, if it is still whole). */
export function runToJsonl(run: KeptRun): string {
  const series = run.series instanceof RunDigest ? run.series : digestRun(run.series);
  const header = {
    type: 'run',
    format: RUN_FILE_FORMAT,
    version: RUN_FILE_VERSION,
    ...run.info,
    layers: series.layers.map(({ id, type }) => ({ id, type })),
  };
  const lines = [JSON.stringify(header)];
  for (let r = 0; r < series.count; r++) {
    const layers = series.layers.map((layer, l) => {
      const entry: Record<string, unknown> = { id: layer.id };
      for (const field of HEATMAP_FIELDS) entry[field] = num(series.column(field, r)[l]);
      return entry;
    });
    lines.push(JSON.stringify({ type: 'step', step: series.recordSteps[r], layers }));
  }
  for (let i = 0; i < series.stepCount; i++) {
    lines.push(
      JSON.stringify({
        type: 'loss',
        step: series.stepNumbers[i],
        loss: num(series.stepLoss[i]),
        accuracy: num(series.stepAccuracy[i]),
      }),
    );
  }
  for (const e of series.epochs) {
    // Only the record's own fields: a live run's epochs are the engine's events, which carry more.
    const { epoch, step, loss, accuracy, validationLoss, validationAccuracy } = e;
    lines.push(
      JSON.stringify({ type: 'epoch', epoch, step, loss, accuracy, validationLoss, validationAccuracy }),
    );
  }
  return lines.join('\n') + '\n';
}

export type RunFileResult = { ok: true; run: KeptRun } | { ok: false; message: string };

const STATES: readonly RunState[] = ['running', 'paused', 'finished', 'stopped', 'diverged'];

/** Reads a run file; the message names the line and what is wrong with it. */
export function parseRunFile(text: string, fileName = 'the run file'): RunFileResult {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const fail = (line: number, what: string): RunFileResult => ({
    ok: false,
    message: `${fileName}, line ${line}: ${what}`,
  });
  if (lines.length === 0) return { ok: false, message: `${fileName} is empty` };
  const objects: Record<string, unknown>[] = [];
  for (let i = 0; i < lines.length; i++) {
    try {
      const value: unknown = JSON.parse(lines[i]);
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return fail(i + 1, 'not a JSON object');
      objects.push(value as Record<string, unknown>);
    } catch {
      return fail(i + 1, 'not valid JSON');
    }
  }
  const head = objects[0];
  if (head.type !== 'run' || head.format !== RUN_FILE_FORMAT)
    return fail(
      1,
      `not a Backflow run (the first line must be {"type":"run","format":"${RUN_FILE_FORMAT}",…})`,
    );
  if (typeof head.version !== 'number' || head.version > RUN_FILE_VERSION)
    return fail(
      1,
      `run file version ${String(head.version)} is newer than this app reads (${RUN_FILE_VERSION})`,
    );
  for (const key of ['id', 'name', 'designText', 'designName'] as const)
    if (typeof head[key] !== 'string' || head[key] === '')
      return fail(1, `"${key}" must be a non-empty string`);
  if (!head.training || typeof head.training !== 'object') return fail(1, '"training" must be an object');
  if (!STATES.includes(head.state as RunState)) return fail(1, `"state" must be one of ${STATES.join(', ')}`);
  if (!Array.isArray(head.layers) || head.layers.some((l) => !l || typeof l.id !== 'string'))
    return fail(1, '"layers" must be a list of {id, type}');
  const layers = head.layers as LayerInfo[];
  const L = layers.length;

  const recordSteps: number[] = [];
  const values: Record<string, number[]> = Object.fromEntries(HEATMAP_FIELDS.map((f) => [f, []]));
  const steps: number[] = [];
  const loss: number[] = [];
  const accuracy: number[] = [];
  const epochs: EpochSummary[] = [];
  for (let i = 1; i < objects.length; i++) {
    const o = objects[i];
    if (typeof o.step !== 'number') return fail(i + 1, '"step" must be a number');
    if (o.type === 'step') {
      const entries = o.layers;
      if (!Array.isArray(entries) || entries.length !== L)
        return fail(i + 1, `"layers" must list the run's ${L} layers`);
      recordSteps.push(o.step);
      entries.forEach((entry: Record<string, unknown>) => {
        for (const field of HEATMAP_FIELDS) values[field].push(back(entry?.[field]));
      });
    } else if (o.type === 'loss') {
      steps.push(o.step);
      loss.push(back(o.loss));
      accuracy.push(back(o.accuracy));
    } else if (o.type === 'epoch') {
      const { type: _type, ...epoch } = o;
      epochs.push(epoch as unknown as EpochSummary);
    } else {
      return fail(i + 1, `unknown line type ${JSON.stringify(o.type)}`);
    }
  }
  const fields = Object.fromEntries(
    HEATMAP_FIELDS.map((f) => [f, Float32Array.from(values[f])]),
  ) as DigestFields;
  const series = new RunDigest(
    layers.map(({ id, type }) => ({ id, type })),
    Int32Array.from(recordSteps),
    fields,
    Int32Array.from(steps),
    Float64Array.from(loss),
    Float64Array.from(accuracy),
    epochs,
  );
  const { type: _t, format: _f, version: _v, layers: _l, ...rest } = head;
  const info = rest as unknown as RunInfo;
  info.designFile ??= null;
  info.backend ??= null;
  return { ok: true, run: { info, series, documentId: -1, engineRunId: null, designPath: null } };
}

const cell = (v: number) => (Number.isFinite(v) ? String(v) : '');
const quoted = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** One row per (record, layer): run name, step, loss and accuracy there when known, the heatmap quantities. */
export function runCsv(name: string, series: RunSeries): string {
  const lines = [['run', 'step', 'loss', 'accuracy', 'layer', 'type', ...HEATMAP_FIELDS].join(',')];
  const lossAt = new Map<number, number>();
  for (let i = 0; i < series.stepCount; i++) lossAt.set(series.stepNumbers[i], i);
  for (let r = 0; r < series.count; r++) {
    const step = series.recordSteps[r];
    const i = lossAt.get(step);
    const loss = i === undefined ? '' : cell(series.stepLoss[i]);
    const accuracy = i === undefined ? '' : cell(series.stepAccuracy[i]);
    series.layers.forEach((layer, l) => {
      const stats = HEATMAP_FIELDS.map((f) => cell(series.column(f, r)[l]));
      lines.push(
        `${quoted(name)},${step},${loss},${accuracy},${quoted(layer.id)},${layer.type},${stats.join(',')}`,
      );
    });
  }
  return lines.join('\n') + '\n';
}
