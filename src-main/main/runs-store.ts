/**
 * The runs of a design kept beside it (docs/runs.md): for `deep.backflow.json`
 * the folder `deep.runs/`, with per run `<id>.jsonl` (the run file) and
 * `<id>.json` (a small summary: the run file's first line, without the
 * design text, so a list of runs is read without reading telemetry). Run ids
 * are checked to be plain names, so no request can reach outside the folder;
 * each file is written atomically. Not wired to IPC yet: the page's storage
 * keeps runs meanwhile.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileResult } from '../../src-shared/files-protocol';
import { readTextCapped, writeFileAtomic } from './files';

/** A run id as the app makes them (`run-mxdaoh1x-6tuvy0`): letters, digits, `-` and `_`. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
/** A run file of 1,000 records × 100 layers is about 8 MB; refuse what no run file reaches. */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
const MAX_SUMMARY_BYTES = 1024 * 1024;

/** `deep.backflow.json` → `<same folder>/deep.runs`. */
export function runsFolderFor(designPath: string): string {
  return join(dirname(designPath), `${basename(designPath).replace(/(\.backflow)?\.json$/i, '')}.runs`);
}

function checkId(id: string): FileResult<string> {
  return RUN_ID.test(id)
    ? { ok: true, value: id }
    : { ok: false, error: { type: 'badRequest', message: `"${id.slice(0, 40)}" is not a run id` } };
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

/** Writes run `id` of the design at `designPath`: its run file and its summary. */
export async function saveRun(
  designPath: string,
  id: string,
  runFileText: string,
): Promise<FileResult<void>> {
  const checked = checkId(id);
  if (!checked.ok) return checked;
  const summary = summaryOf(runFileText);
  if (!summary.ok) return summary;
  if (summary.value.id !== id)
    return {
      ok: false,
      error: { type: 'badRequest', message: `the run file is run "${summary.value.id}", not "${id}"` },
    };
  const folder = runsFolderFor(designPath);
  await mkdir(folder, { recursive: true });
  const written = await writeFileAtomic(join(folder, `${id}.jsonl`), runFileText);
  if (!written.ok) return written;
  return writeFileAtomic(join(folder, `${id}.json`), `${JSON.stringify(summary.value, null, 2)}\n`);
}

/** The summaries of the design's kept runs, newest first; an unreadable one is skipped and named. */
export async function listRuns(
  designPath: string,
): Promise<FileResult<{ summaries: Record<string, unknown>[]; skipped: string[] }>> {
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
      summaries.push(JSON.parse(read.value) as Record<string, unknown>);
    } catch {
      skipped.push(name);
    }
  }
  summaries.sort((a, b) => Number(b.startedAt ?? 0) - Number(a.startedAt ?? 0));
  return { ok: true, value: { summaries, skipped } };
}

/** The run file of run `id`. */
export async function readRun(designPath: string, id: string): Promise<FileResult<string>> {
  const checked = checkId(id);
  if (!checked.ok) return checked;
  return readTextCapped(join(runsFolderFor(designPath), `${id}.jsonl`), MAX_RUN_FILE_BYTES);
}

/** Deletes run `id` (both files); a run already gone is not an error. */
export async function removeRun(designPath: string, id: string): Promise<FileResult<void>> {
  const checked = checkId(id);
  if (!checked.ok) return checked;
  const folder = runsFolderFor(designPath);
  await rm(join(folder, `${id}.jsonl`), { force: true });
  await rm(join(folder, `${id}.json`), { force: true });
  return { ok: true, value: undefined };
}
