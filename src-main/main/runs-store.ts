/**
 * The runs of a design kept beside it (docs/runs.md): for `deep.backflow.json`
 * the folder `deep.runs/`, with per run `<id>.jsonl` (the run file) and
 * `<id>.json` (a small summary: the run file's first line, without the
 * design text, so a list of runs is read without reading telemetry), and
 * `<id>.weights.safetensors` when the run's trained weights were kept. Run
 * ids are checked to be plain names, so no request can reach outside the
 * folder; each file is written atomically, the summary last, so a listed run
 * is a complete one. Main's file service (runs-handlers.ts) serves it over IPC.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileResult, KeptRunsList, StoredRun } from '../../src-shared/files-protocol';
import { MAX_WEIGHTS_BYTES } from '../../src-shared/weights-file';
import { exists, readBytesCapped, readTextCapped, writeFileAtomic } from './files';

/** A run id as the app makes them (`run-mxdaoh1x-6tuvy0`): letters, digits, `-` and `_`. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
/** A run file of 1,000 records × 100 layers is about 8 MB; refuse what no run file reaches. */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
const MAX_SUMMARY_BYTES = 1024 * 1024;

const runFile = (folder: string, id: string) => join(folder, `${id}.jsonl`);
const summaryFile = (folder: string, id: string) => join(folder, `${id}.json`);
const weightsFile = (folder: string, id: string) => join(folder, `${id}.weights.safetensors`);

const asText = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

/** `deep.backflow.json` → `<same folder>/deep.runs`. */
export function runsFolderFor(designPath: string): string {
  return join(dirname(designPath), `${basename(designPath).replace(/(\.backflow)?\.json$/i, '')}.runs`);
}

function checkId(id: string): FileResult<string> {
  return RUN_ID.test(id)
    ? { ok: true, value: id }
    : {
        ok: false,
        error: {
          type: 'badRequest',
          message: `${JSON.stringify(id.slice(0, 40))} is not a run id (letters, digits, - and _ only)`,
        },
      };
}

/** The summary kept beside a run file: its first line, less the design text. */
export function summaryOf(runFileText: string): FileResult<Record<string, unknown>> {
  const first = runFileText.slice(0, runFileText.indexOf('\n') >>> 0);
  try {
    const head = JSON.parse(first) as Record<string, unknown>;
    if (head?.type !== 'run' || typeof head.id !== 'string') throw new Error('no run line');
    const { designText: _design, layers: _layers, ...summary } = head;
    return { ok: true, value: summary };
  } catch {
    return {
      ok: false,
      error: { type: 'badRequest', message: 'the run file does not start with its run line' },
    };
  }
}

/**
 * Writes run `id` of the design at `designPath`: its weights (when given;
 * an older weights file of the run goes when not), its run file, and last
 * its summary.
 */
export async function saveRun(
  designPath: string,
  id: string,
  runFileText: string,
  weights: Uint8Array | null = null,
): Promise<FileResult<void>> {
  const checked = checkId(id);
  if (!checked.ok) return checked;
  if (runFileText.length > MAX_RUN_FILE_BYTES)
    return tooLarge(`the run file of ${id}`, MAX_RUN_FILE_BYTES, 'more telemetry than a run keeps');
  if (weights && weights.byteLength > MAX_WEIGHTS_BYTES)
    return tooLarge(`the weights of ${id}`, MAX_WEIGHTS_BYTES, 'larger than any design’s weights');
  const summary = summaryOf(runFileText);
  if (!summary.ok) return summary;
  if (summary.value.id !== id)
    return {
      ok: false,
      error: { type: 'badRequest', message: `the run file is run "${summary.value.id}", not "${id}"` },
    };
  const folder = runsFolderFor(designPath);
  await mkdir(folder, { recursive: true });
  if (weights) {
    const kept = await writeFileAtomic(weightsFile(folder, id), weights);
    if (!kept.ok) return kept;
  } else await rm(weightsFile(folder, id), { force: true });
  const written = await writeFileAtomic(runFile(folder, id), runFileText);
  if (!written.ok) return written;
  return writeFileAtomic(summaryFile(folder, id), `${JSON.stringify(summary.value, null, 2)}\n`);
}

function tooLarge(what: string, max: number, why: string): FileResult<never> {
  return {
    ok: false,
    error: { type: 'tooLarge', message: `${what} is larger than ${max >> 20} MB: ${why}` },
  };
}

/** The summaries of the design's kept runs, newest first; an unreadable one is skipped and named. */
export async function listRuns(designPath: string): Promise<FileResult<KeptRunsList>> {
  const folder = runsFolderFor(designPath);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return { ok: true, value: { summaries: [], skipped: [] } }; // no folder: no runs yet
  }
  const summaries: Record<string, unknown>[] = [];
  const skipped: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && RUN_ID.test(n.slice(0, -5))).sort()) {
    const read = await readTextCapped(join(folder, name), MAX_SUMMARY_BYTES);
    try {
      if (!read.ok) throw new Error(read.error.message);
      const summary: unknown = JSON.parse(read.value);
      // A summary is its run's: another run's id (a file copied over) would list one run twice.
      if ((summary as { id?: unknown } | null)?.id !== name.slice(0, -5)) throw new Error('not its run');
      summaries.push(summary as Record<string, unknown>);
    } catch {
      skipped.push(name);
    }
  }
  summaries.sort((a, b) => Number(b.startedAt ?? 0) - Number(a.startedAt ?? 0));
  return { ok: true, value: { summaries, skipped } };
}

/** Run `id`: its run file, and its weights when they were kept. */
export async function readRun(designPath: string, id: string): Promise<FileResult<StoredRun>> {
  const checked = checkId(id);
  if (!checked.ok) return checked;
  const folder = runsFolderFor(designPath);
  const read = await readBytesCapped(runFile(folder, id), MAX_RUN_FILE_BYTES, 'not a run file');
  if (!read.ok) return read;
  let weights: Uint8Array | null = null;
  if (await exists(weightsFile(folder, id))) {
    const bytes = await readBytesCapped(weightsFile(folder, id), MAX_WEIGHTS_BYTES, 'not a weights file');
    if (!bytes.ok) return bytes;
    weights = bytes.value;
  }
  return { ok: true, value: { text: asText(read.value), weights } };
}

/** Deletes run `id` (its files); a run already gone is not an error. */
export async function removeRun(designPath: string, id: string): Promise<FileResult<void>> {
  const checked = checkId(id);
  if (!checked.ok) return checked;
  const folder = runsFolderFor(designPath);
  // The summary first: a run half deleted is no longer listed.
  for (const path of [summaryFile(folder, id), runFile(folder, id), weightsFile(folder, id)])
    await rm(path, { force: true });
  return { ok: true, value: undefined };
}
