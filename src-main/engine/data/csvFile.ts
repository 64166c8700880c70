/**
 * Reading a user's CSV file into a data set: the file must stay inside the
 * design's folder (a shared design must not read the recipient's other
 * files), be of a sane size, have a header row, a target column and numeric
 * features. Every refusal names the file and, where it applies, the 1-based
 * line and column, in words a user can act on.
 */
import { realpath, readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import type { CsvDataSpec } from '../../../src-shared/design/types';
import { CSV_LIMITS, MAX_INTEGER_CLASSES } from '../../../src-shared/csv/limits';
import { CsvSyntaxError, csvRecords, parseDecimal } from '../../../src-shared/csv/parse';
import type { DataError, RawData } from './types';

// The limits and the class rule are shared with the page, which reads a picked file's columns the same way.
export { CSV_LIMITS, MAX_INTEGER_CLASSES };

/**
 * Reads `spec.path`, relative to `designDir`, into a raw data set, or says
 * why it cannot. Filesystem errors other than a missing file propagate; the
 * caller turns them into data.
 */
export async function readCsvData(spec: CsvDataSpec, designDir: string): Promise<RawData | DataError> {
  const bytes = await readCsvFileBytes(spec.path, designDir);
  return bytes instanceof Uint8Array ? readCsvBytes(spec, bytes) : bytes;
}

/**
 * The bytes of `path`, relative to `designDir`, under the same rules as
 * {@link readCsvData} (inside the folder, at most 50 MB), or why not. For a run
 * whose engine cannot read files (the GPU page): main reads them and sends them
 * as a picked file's bytes.
 */
export async function readCsvFileBytes(path: string, designDir: string): Promise<Uint8Array | DataError> {
  const located = await locate(path, designDir);
  if (typeof located !== 'string') return located;
  const info = await stat(located);
  if (!info.isFile()) return { type: 'missingFile', file: path, message: `${path} is not a file` };
  if (info.size > CSV_LIMITS.bytes) {
    const mb = (info.size / 1024 / 1024).toFixed(1);
    return { type: 'tooLarge', file: path, message: `${path} is ${mb} MB; the limit is 50 MB` };
  }
  return new Uint8Array(await readFile(located));
}

/**
 * Reads a CSV file's bytes that the user picked (browser mode: the page sends
 * them, the server never reads a path a page names) as `spec.path`'s data.
 */
export function readCsvBytes(spec: CsvDataSpec, bytes: Uint8Array): RawData | DataError {
  const file = spec.path;
  if (bytes.byteLength > CSV_LIMITS.bytes) {
    const mb = (bytes.byteLength / 1024 / 1024).toFixed(1);
    return { type: 'tooLarge', file, message: `${file} is ${mb} MB; the limit is 50 MB` };
  }
  return tabulateText(new TextDecoder().decode(bytes), spec);
}

function tabulateText(text: string, spec: CsvDataSpec): RawData | DataError {
  const file = spec.path;
  try {
    return tabulate(text, file, spec.target);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    const { line, column } = error;
    return { type: 'malformedCsv', file, line, column, message: `${file} line ${line}: ${error.message}` };
  }
}

/** The file's real path, checked to be inside the design folder's real path. */
async function locate(file: string, designDir: string): Promise<string | DataError> {
  const outside = (why: string): DataError => ({ type: 'outsideFolder', file, message: `${file} ${why}` });
  if (isAbsolute(file) || win32.isAbsolute(file)) {
    return outside("is an absolute path; a data file's path must be relative to the design's folder");
  }
  const folder = resolve(designDir);
  const wanted = resolve(folder, file);
  if (!isInside(folder, wanted)) return outside("is outside the design's folder");
  let realFolder: string;
  let realFile: string;
  try {
    realFolder = await realpath(folder);
  } catch {
    return { type: 'missingFile', file, message: `the design's folder ${folder} does not exist` };
  }
  try {
    realFile = await realpath(wanted);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return { type: 'missingFile', file, message: `${file} was not found (looked for ${wanted})` };
  }
  // A symbolic link inside the folder may point anywhere: check where it lands.
  if (!isInside(realFolder, realFile)) return outside("leads (through a link) outside the design's folder");
  return realFile;
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Turns CSV text into features and targets; throws CsvSyntaxError on broken quoting. */
function tabulate(text: string, file: string, target: string): RawData | DataError {
  const records = csvRecords(text);
  const first = records.next();
  if (first.done) return { type: 'malformedCsv', file, message: `${file} is empty; it needs a header row` };
  const header = first.value.fields.map((name) => name.trim());
  if (header.length > CSV_LIMITS.columns) {
    const message = `${file} has ${header.length} columns; the limit is ${CSV_LIMITS.columns}`;
    return { type: 'tooLarge', file, message };
  }
  const targetIndex = header.indexOf(target.trim());
  const columns = header.map((name) => `"${name}"`).join(', ');
  if (targetIndex < 0) {
    const message = `${file} has no column "${target}" to use as the target; its columns are ${columns}`;
    return { type: 'badTarget', file, line: first.value.line, message };
  }
  if (header.indexOf(target.trim(), targetIndex + 1) >= 0) {
    const message = `${file} has more than one column named "${target}"; rename one so the target is clear`;
    return { type: 'badTarget', file, line: first.value.line, message };
  }
  if (header.length < 2) {
    const message = `${file} has only the target column "${target}"; it needs at least one feature column`;
    return { type: 'badTarget', file, message };
  }

  const width = header.length - 1;
  let features = new Float32Array(width * 256);
  const targets: string[] = [];
  const targetLines: number[] = [];
  for (const { fields, line } of records) {
    if (targets.length >= CSV_LIMITS.rows) {
      const message = `${file} has more than ${CSV_LIMITS.rows} data rows; the limit is ${CSV_LIMITS.rows}`;
      return { type: 'tooLarge', file, line, message };
    }
    if (fields.length !== header.length) {
      const message = `${file} line ${line} has ${fields.length} fields; the header has ${header.length}`;
      return { type: 'malformedCsv', file, line, message };
    }
    if (features.length < (targets.length + 1) * width) {
      const grown = new Float32Array(features.length * 2);
      grown.set(features);
      features = grown;
    }
    let offset = targets.length * width;
    for (let c = 0; c < fields.length; c++) {
      if (c === targetIndex) continue;
      const value = parseDecimal(fields[c]);
      if (value === undefined) {
        const column = c + 1;
        const cell = fields[c].trim();
        const why = cell === '' ? 'the cell is empty' : `"${clip(cell)}" is not a number`;
        const message = `${file} line ${line}, column ${column}: ${why}`;
        return { type: 'malformedCsv', file, line, column, message };
      }
      features[offset++] = value;
    }
    const label = fields[targetIndex].trim();
    if (label === '') {
      const column = targetIndex + 1;
      const message = `${file} line ${line}, column ${column}: the target "${target}" is empty`;
      return { type: 'malformedCsv', file, line, column, message };
    }
    targets.push(label);
    targetLines.push(line);
  }
  const n = targets.length;
  if (n === 0) return { type: 'malformedCsv', file, message: `${file} has a header but no data rows` };
  const featureNames = header.filter((_, c) => c !== targetIndex);
  const base = { x: features.slice(0, n * width), n, inputShape: [width], featureNames };
  const encoded = encodeTargets(targets, targetLines, file, target, targetIndex + 1);
  return 'type' in encoded ? encoded : { ...base, ...encoded };
}

type EncodedTargets = Pick<RawData, 'task' | 'labels' | 'targets' | 'outputUnits' | 'classNames'>;

/**
 * Classification when the target column holds any text, or only whole
 * numbers with at most {@link MAX_INTEGER_CLASSES} distinct values; regression
 * otherwise. Classes are sorted (numerically for numbers, by code unit for
 * text, which is locale-independent) so class indices do not depend on row order.
 */
function encodeTargets(
  targets: string[],
  lines: number[],
  file: string,
  target: string,
  column: number,
): EncodedTargets | DataError {
  const numbers = targets.map(parseDecimal);
  const firstText = numbers.findIndex((value) => value === undefined);
  if (firstText < 0) {
    const values = numbers as number[];
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    if (!values.every(Number.isInteger) || distinct.length > MAX_INTEGER_CLASSES) {
      return { task: 'regression', targets: Float32Array.from(values), outputUnits: 1 };
    }
    return classes(values, distinct, String, file, target);
  }
  const distinct = [...new Set(targets)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (distinct.length > CSV_LIMITS.classes) {
    const line = lines[firstText];
    const message =
      `${file}: the target "${target}" has ${distinct.length} distinct values, too many to be classes` +
      ` (the limit is ${CSV_LIMITS.classes}); it is not all numbers either: line ${line} has` +
      ` "${clip(targets[firstText])}"`;
    return { type: 'badTarget', file, line, column, message };
  }
  return classes(targets, distinct, (name) => name, file, target);
}

function classes<T>(
  values: T[],
  distinct: T[],
  name: (value: T) => string,
  file: string,
  target: string,
): EncodedTargets | DataError {
  if (distinct.length < 2) {
    const message = `${file}: every row has the same target "${target}" = ${name(distinct[0])}; there is nothing to learn`;
    return { type: 'badTarget', file, message };
  }
  const index = new Map(distinct.map((value, k) => [value, k]));
  const labels = Int32Array.from(values, (value) => index.get(value) as number);
  return { task: 'classification', labels, outputUnits: distinct.length, classNames: distinct.map(name) };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
