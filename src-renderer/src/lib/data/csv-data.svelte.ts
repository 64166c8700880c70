/**
 * The user's own CSV file, held by the page for the open design: its bytes go
 * with Train and Export as `dataFile` (browser mode never lets the server read
 * a path a page names; in the desktop app they win over the file beside the
 * design). Never written into the design file, which keeps only `data.path`
 * and `data.target`; forgotten when another design opens.
 */
import {
  readCsvData,
  summarizeCsv,
  type CsvDataReading,
  type CsvSummary,
} from '../../../../src-shared/csv/columns';
import type { DataSpec } from '../../../../src-shared/design/types';
import { MAX_DATA_FILE_BYTES, type FilePayload } from '../../../../src-shared/protocol';

/** A CSV file the user picked and the `data.path` it stands for. */
export interface PickedCsv {
  /** The design's `data.path` these bytes are read as (the file's name when picked for new data). */
  path: string;
  /** The file's name on the user's disk. */
  name: string;
  bytes: Uint8Array;
  summary: CsvSummary;
}

/** A file read and waiting for the user to choose its target column. */
export type PendingCsv = PickedCsv;

/** Where the open design lives, as far as finding its CSV file goes. */
export interface DocumentPlace {
  host: 'electron' | 'browser';
  /** The design's file name; null for a design never saved (or an example). */
  fileName: string | null;
}

/** Reads a picked file into bytes and its columns, or says why it cannot be used. */
export async function readPickedCsv(
  file: File,
  path: string,
): Promise<{ ok: true; value: PickedCsv } | { ok: false; message: string }> {
  if (file.size > MAX_DATA_FILE_BYTES) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    return { ok: false, message: `${file.name} is ${mb} MB; the limit is ${MAX_DATA_FILE_BYTES >> 20} MB` };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch {
    return { ok: false, message: `${file.name} could not be read` };
  }
  // Decoded as the engine decodes the bytes it is sent: UTF-8, bad sequences replaced.
  const summary = summarizeCsv(new TextDecoder().decode(bytes), file.name);
  if (!summary.ok) return { ok: false, message: summary.message };
  return { ok: true, value: { path, name: file.name, bytes, summary: summary.summary } };
}

/**
 * A name the engine accepts for the payload (a plain file name): characters a
 * file system refuses become `_`. Only messages show it; `data.path` names the data.
 */
export function payloadName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = name.replace(/[\u0000-\u001f\u007f<>:"|?*/\\]/g, '_').replace(/[. ]+$/, '');
  return plain === '' || plain === '.' || plain === '..' ? 'data.csv' : plain.slice(0, 255);
}

/**
 * Why the design cannot train until the user picks its CSV file, or null: its
 * data is a CSV file the page does not hold, and no folder holds it either
 * (browser mode never reads paths; the desktop app reads the file beside a
 * saved design).
 */
export function missingCsv(data: DataSpec, picked: PickedCsv | null, place: DocumentPlace): string | null {
  if (data.source !== 'csv' || picked?.path === data.path) return null;
  if (place.host === 'electron' && place.fileName !== null) return null;
  return `This design reads ${data.path}: choose the file`;
}

/** {@link missingCsv} for the open document of an editor and its file session. */
export function missingCsvOf(
  editor: { design: { data: DataSpec }; csv: CsvDataState },
  files: { host: { kind: DocumentPlace['host'] }; fileName: string | null },
): string | null {
  return missingCsv(editor.design.data, editor.csv.picked, {
    host: files.host.kind,
    fileName: files.fileName,
  });
}

export class CsvDataState {
  /** The file the page holds for the open design. */
  picked = $state.raw<PickedCsv | null>(null);
  /** A file read and waiting in the dialog for its target column. */
  pending = $state.raw<PendingCsv | null>(null);
  #memo: { picked: PickedCsv; path: string; target: string; reading: CsvDataReading } | null = null;

  /** Another design opened: its data is not this file. */
  clear(): void {
    this.picked = null;
    this.pending = null;
    this.#memo = null;
  }

  /** The held file when `data` reads it. */
  fileFor(data: DataSpec): PickedCsv | null {
    const picked = this.picked;
    return data.source === 'csv' && picked?.path === data.path ? picked : null;
  }

  /** What to send as `dataFile` with train.start and export.initial for `data`. */
  payload(data: DataSpec): FilePayload | undefined {
    const picked = this.fileFor(data);
    return picked ? { name: payloadName(picked.name), bytes: picked.bytes } : undefined;
  }

  /** The shapes and first problem of `data` when the page holds its file (same object while nothing changes). */
  reading(data: DataSpec): CsvDataReading | null {
    const picked = this.fileFor(data);
    if (!picked || data.source !== 'csv') return null;
    const memo = this.#memo;
    if (memo && memo.picked === picked && memo.path === data.path && memo.target === data.target) {
      return memo.reading;
    }
    const reading = readCsvData(picked.summary, data.target);
    this.#memo = { picked, path: data.path, target: data.target, reading };
    return reading;
  }
}
