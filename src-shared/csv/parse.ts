/**
 * A small RFC 4180 CSV reader: comma-separated, double-quoted fields that may
 * hold commas, doubled quotes and line breaks, and LF, CRLF or CR line ends.
 * Written here rather than taken from a package because the loader needs
 * exact 1-based line numbers for its messages and nothing else.
 */

/** One record and the physical line (1-based) it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** A structural problem: a quote that never closes, or text after a closing quote. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Yields the records of `text` one at a time, so a large file is converted
 * row by row instead of being held as millions of strings. Blank lines
 * (empty or only spaces), wherever they are, are skipped; a leading
 * byte-order mark is ignored. Fields are returned as written, untrimmed.
 * Throws {@link CsvSyntaxError} on an unclosed quote or on text after one.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const length = text.length;
  while (i < length) {
    const start = line;
    const fields: string[] = [];
    let quoted = false;
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === QUOTE) {
        quoted = true;
        const opened = line;
        const column = fields.length + 1;
        const parts: string[] = [];
        i++;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close < 0) {
            throw new CsvSyntaxError(
              opened,
              column,
              `a quoted field opened on line ${opened} is never closed`,
            );
          }
          line += countLineBreaks(text, i, close);
          parts.push(text.slice(i, close));
          if (text.charCodeAt(close + 1) === QUOTE) {
            parts.push('"');
            i = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
        field = parts.join('');
        // Tolerate spaces between the closing quote and the delimiter.
        while (text[i] === ' ' || text[i] === '\t') i++;
        if (i < length && !isDelimiter(text.charCodeAt(i))) {
          throw new CsvSyntaxError(
            line,
            column,
            `unexpected text after the closing quote of column ${column}`,
          );
        }
      } else {
        const begin = i;
        while (i < length && !isDelimiter(text.charCodeAt(i))) i++;
        field = text.slice(begin, i);
      }
      fields.push(field);
      if (text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      // End of record: CRLF, LF, CR or end of text.
      if (text.charCodeAt(i) === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    const blank = !quoted && fields.length === 1 && fields[0].trim() === '';
    if (!blank) yield { fields, line: start };
  }
}

function isDelimiter(code: number): boolean {
  return code === COMMA || code === LF || code === CR;
}

/** Line breaks in text[from, to), counting CRLF once. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === LF) count++;
    else if (code === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The number a cell holds, or undefined. Only plain decimal notation
 * (`-1.5`, `2e-3`, `.5`) counts; `Number()` alone would also accept `0x1f`,
 * `Infinity` and the empty string, none of which is a measurement.
 */
export function parseDecimal(cell: string): number | undefined {
  const text = cell.trim();
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
