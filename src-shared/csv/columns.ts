/**
 * What a CSV file holds, column by column, read the way the engine will read
 * it: the page uses this to show a picked file's columns, suggest a target,
 * say whether the target reads as classes or as a number to predict, give the
 * editor the data's shape, and name a bad cell before Train is pressed. The
 * rules (limits, the class rule, the order problems are found in) are the
 * engine's (src-main/engine/data/csvFile.ts), so both say the same thing.
 */
import type { DataDescription } from '../design/datasets';
import { CSV_LIMITS, MAX_INTEGER_CLASSES } from './limits';
import { CsvSyntaxError, csvRecords, parseDecimal } from './parse';

/** One column of a CSV file, from its header and every data row. */
export interface CsvColumn {
  /** The header cell, trimmed (as the engine matches `data.target`). */
  name: string;
  /** Distinct non-empty values, counted up to CSV_LIMITS.classes + 1. */
  distinct: number;
  /** Every non-empty cell is a plain decimal number. */
  numeric: boolean;
  /** Every non-empty cell is a whole number. */
  integers: boolean;
  /** The first few distinct values, for display. */
  examples: string[];
  /** The first cell that is not a number (empty included): its 1-based line and text. */
  firstBad?: { line: number; cell: string };
  /** The line of the first empty cell. */
  firstEmpty?: number;
}

/** A CSV file's columns and row count. */
export interface CsvSummary {
  /** The file's name, for messages. */
  file: string;
  columns: CsvColumn[];
  /** Data rows read (up to `stop`). */
  rows: number;
  /**
   * Where reading stopped early: broken quoting, a row whose field count
   * differs from the header's, too many rows. The engine reports it when it
   * gets there, so a bad cell on an earlier line is reported first.
   */
  stop?: CsvProblem;
}

/** A problem with the file as a whole; `line` and `column` are 1-based where they apply. */
export interface CsvProblem {
  message: string;
  line?: number;
  column?: number;
}

export type CsvSummaryResult = { ok: true; summary: CsvSummary } | ({ ok: false } & CsvProblem);

/** How the engine will read a target column. */
export type TargetReading =
  | { task: 'classification'; classes: number }
  | { task: 'regression' }
  | { task: 'unusable'; message: string };

const EXAMPLES = 3;

/**
 * Reads `text` (the whole file) into a summary: the header row (quoted
 * names allowed, trimmed) and, per column, what its cells hold. Fails only
 * when there is no header to show (an empty file, too many columns); a
 * problem further down is kept as `stop`, for {@link readCsvData} to report in
 * the engine's order.
 */
export function summarizeCsv(text: string, file: string): CsvSummaryResult {
  const records = csvRecords(text);
  let first: IteratorResult<{ fields: string[]; line: number }>;
  try {
    first = records.next();
  } catch (error) {
    return { ok: false, ...syntaxProblem(error, file) };
  }
  if (first.done) return { ok: false, message: `${file} is empty; it needs a header row` };
  const names = first.value.fields.map((name) => name.trim());
  if (names.length > CSV_LIMITS.columns) {
    return { ok: false, message: `${file} has ${names.length} columns; the limit is ${CSV_LIMITS.columns}` };
  }
  const columns: CsvColumn[] = names.map((name) => ({
    name,
    distinct: 0,
    numeric: true,
    integers: true,
    examples: [],
  }));
  const seen: Seen[] = names.map(() => ({ text: new Set(), numbers: new Set() }));
  const summary: CsvSummary = { file, columns, rows: 0 };
  try {
    for (const { fields, line } of records) {
      if (summary.rows >= CSV_LIMITS.rows) {
        const message = `${file} has more than ${CSV_LIMITS.rows} data rows; the limit is ${CSV_LIMITS.rows}`;
        summary.stop = { line, message };
        break;
      }
      if (fields.length !== names.length) {
        const message = `${file} line ${line} has ${fields.length} fields; the header has ${names.length}`;
        summary.stop = { line, message };
        break;
      }
      summary.rows++;
      for (let c = 0; c < fields.length; c++) note(columns[c], seen[c], fields[c], line);
    }
  } catch (error) {
    summary.stop = syntaxProblem(error, file);
  }
  return { ok: true, summary };
}

function syntaxProblem(error: unknown, file: string): CsvProblem {
  if (!(error instanceof CsvSyntaxError)) throw error;
  const { line, column } = error;
  return { line, column, message: `${file} line ${line}: ${error.message}` };
}

/** Distinct values of one column: as text, and as numbers (1 and 1.0 are one class while all are numbers). */
interface Seen {
  text: Set<string>;
  numbers: Set<number>;
}

function note(column: CsvColumn, seen: Seen, raw: string, line: number): void {
  const cell = raw.trim();
  const value = parseDecimal(cell);
  if (value === undefined) {
    column.firstBad ??= { line, cell };
    if (cell === '') column.firstEmpty ??= line;
  }
  if (cell === '') return;
  if (value === undefined) column.numeric = false;
  else if (!Number.isInteger(value)) column.integers = false;
  const cap = CSV_LIMITS.classes + 1;
  if (seen.text.size < cap && !seen.text.has(cell)) {
    seen.text.add(cell);
    if (column.examples.length < EXAMPLES) column.examples.push(cell);
  }
  if (value !== undefined && seen.numbers.size < cap) seen.numbers.add(value);
  column.distinct = column.numeric ? seen.numbers.size : seen.text.size;
}

/** The column a user most likely wants to predict: the last one, as in most published data sets. */
export function guessTarget(summary: CsvSummary): string {
  return summary.columns[summary.columns.length - 1].name;
}

/**
 * Classes when the column holds any text, or only whole numbers with at
 * most MAX_INTEGER_CLASSES distinct values; a number to predict (regression)
 * otherwise; unusable when a cell is empty, all rows agree, or text has too
 * many distinct values to be classes.
 */
export function readTarget(column: CsvColumn, summary: CsvSummary): TargetReading {
  const { file } = summary;
  const where = summary.columns.indexOf(column) + 1;
  if (column.firstEmpty !== undefined) {
    const message = `${file} line ${column.firstEmpty}, column ${where}: the target "${column.name}" is empty`;
    return { task: 'unusable', message };
  }
  if (column.numeric && !(column.integers && column.distinct <= MAX_INTEGER_CLASSES)) {
    return { task: 'regression' };
  }
  if (column.distinct > CSV_LIMITS.classes) {
    const message = `${file}: the target "${column.name}" has more than ${CSV_LIMITS.classes} distinct values, too many to be classes (the limit is ${CSV_LIMITS.classes})`;
    return { task: 'unusable', message };
  }
  if (column.distinct < 2) {
    const message = `${file}: every row has the same target "${column.name}" = ${column.examples[0] ?? ''}; there is nothing to learn`;
    return { task: 'unusable', message };
  }
  return { task: 'classification', classes: column.distinct };
}

/** What training on `summary` with `target` gives: the shapes, and the first problem the engine would report. */
export interface CsvDataReading {
  description: DataDescription;
  problem: CsvProblem | null;
}

/**
 * The data's shape for the editor (inputs: every column but the target;
 * outputs: its classes, or one number) and the first problem, in the order the
 * engine finds them: a missing or ambiguous target, then row by row a feature
 * cell that is not a number or an empty target, then the target's classes.
 */
export function readCsvData(summary: CsvSummary, target: string): CsvDataReading {
  const { file, columns } = summary;
  const name = target.trim();
  const index = columns.findIndex((c) => c.name === name);
  if (index < 0) {
    const list = columns.map((c) => `"${c.name}"`).join(', ');
    const message = `${file} has no column "${target}" to use as the target; its columns are ${list}`;
    return { description: {}, problem: { message, line: 1 } };
  }
  if (columns.some((c, i) => i > index && c.name === name)) {
    const message = `${file} has more than one column named "${target}"; rename one so the target is clear`;
    return { description: {}, problem: { message, line: 1 } };
  }
  if (columns.length < 2) {
    const message = `${file} has only the target column "${target}"; it needs at least one feature column`;
    return { description: {}, problem: { message } };
  }
  const column = columns[index];
  const reading = readTarget(column, summary);
  const description: DataDescription = { inputShape: [columns.length - 1] };
  if (reading.task !== 'unusable') {
    description.task = reading.task;
    description.outputUnits = reading.task === 'classification' ? reading.classes : 1;
  }
  const rowProblem = firstCellProblem(summary, index) ?? emptyTarget(column, index, summary);
  const problem =
    rowProblem ??
    summary.stop ??
    (summary.rows === 0 ? { message: `${file} has a header but no data rows` } : null) ??
    targetProblem(reading);
  return { description, problem };
}

function firstCellProblem(summary: CsvSummary, targetIndex: number): CsvProblem | null {
  let found: { line: number; column: number; cell: string } | null = null;
  // Left to right, so a tie on the line keeps the leftmost column, as the engine does.
  for (const [i, c] of summary.columns.entries()) {
    if (i !== targetIndex && c.firstBad && (!found || c.firstBad.line < found.line))
      found = { ...c.firstBad, column: i + 1 };
  }
  if (!found) return null;
  // In one row the engine checks the features before the target.
  const empty = summary.columns[targetIndex].firstEmpty;
  if (empty !== undefined && empty < found.line) return null;
  const why = found.cell === '' ? 'the cell is empty' : `"${clip(found.cell)}" is not a number`;
  return {
    line: found.line,
    column: found.column,
    message: `${summary.file} line ${found.line}, column ${found.column}: ${why}`,
  };
}

/** The first empty target cell, when no feature cell before it (or in its row) is bad. */
function emptyTarget(column: CsvColumn, index: number, summary: CsvSummary): CsvProblem | null {
  const line = column.firstEmpty;
  if (line === undefined) return null;
  const message = `${summary.file} line ${line}, column ${index + 1}: the target "${column.name}" is empty`;
  return { message, line, column: index + 1 };
}

function targetProblem(reading: TargetReading): CsvProblem | null {
  return reading.task === 'unusable' ? { message: reading.message } : null;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
