/**
 * Crash recovery. While the document has unsaved changes the renderer sends
 * its text every few seconds; main writes it (atomically) to one file in the
 * app's data folder, with the path of the document it belongs to. A clean
 * exit, a save or a discard removes it, so finding it at start-up means the
 * last session ended abruptly, and the user is offered the work back.
 */
import { unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_DESIGN_SIZE, parseDesign } from '../../src-shared/design/index';
import type { RecoveryInfo } from '../../src-shared/files-protocol';
import { readTextCapped, writeFileAtomic } from './files';

const AUTOSAVE_FORMAT = 'backflow.autosave';

/** What the autosave file holds. */
export interface RecoveryRecord {
  savedAt: string;
  /** The document's file, or null for one never saved; written by main, never taken from the renderer. */
  filePath: string | null;
  text: string;
}

export interface Autosave {
  write(text: string, filePath: string | null): Promise<void>;
  /** The record left behind, or null (none, unreadable, or not a design). */
  read(): Promise<RecoveryRecord | null>;
  clear(): Promise<void>;
}

/**
 * The autosave stored at `file`. Writes closer together than `minIntervalMs`
 * are dropped (the renderer sends every few seconds; a runaway one must not
 * turn this into a disk-write loop); `now` is injectable for tests.
 */
export function createAutosave(file: string, minIntervalMs = 1000, now: () => number = Date.now): Autosave {
  let last = -Infinity;
  return {
    async write(text, filePath) {
      const at = now();
      if (at - last < minIntervalMs) return;
      last = at;
      const record = { format: AUTOSAVE_FORMAT, savedAt: new Date(at).toISOString(), filePath, text };
      await writeFileAtomic(file, JSON.stringify(record));
    },
    async read() {
      // The record wraps the design text, escaped: allow for the growth.
      const read = await readTextCapped(file, 2 * MAX_DESIGN_SIZE + 64 * 1024);
      return read.ok ? parseRecoveryRecord(read.value) : null;
    },
    async clear() {
      last = -Infinity;
      await unlink(file).catch(() => {});
    },
  };
}

/** The record in an autosave file's text, or null when it is not a valid one. Never throws. */
export function parseRecoveryRecord(raw: string): RecoveryRecord | null {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object' || data.format !== AUTOSAVE_FORMAT) return null;
  const { savedAt, filePath, text } = data;
  if (typeof savedAt !== 'string' || Number.isNaN(Date.parse(savedAt))) return null;
  if (filePath !== null && (typeof filePath !== 'string' || filePath.includes('\0'))) return null;
  if (typeof text !== 'string' || !parseDesign(text).ok) return null;
  return { savedAt, filePath, text };
}

/** What the renderer is shown about a record. */
export function describeRecovery(record: RecoveryRecord): RecoveryInfo {
  const parsed = parseDesign(record.text);
  return {
    name: parsed.ok ? parsed.design.name : 'Untitled design',
    fileName: record.filePath ? basename(record.filePath) : null,
    savedAt: record.savedAt,
  };
}
