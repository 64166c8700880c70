/**
 * Locating a JSON syntax error. `JSON.parse` reports failures differently in
 * every engine (Node 20's V8 often gives no position at all), so after it
 * fails this scanner walks the text once more and names the line, column and
 * mistake itself. It is iterative, so a file of a million `[` cannot exhaust
 * the stack.
 */

/** Where and why a text is not JSON; `line` and `column` count from 1. */
export interface JsonSyntaxError {
  position: number;
  line: number;
  column: number;
  message: string;
}

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose';

/**
 * Finds the first syntax error in `text`, or returns undefined when the text
 * is valid JSON.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  let expect: Expect = 'value';
  const fail = (position: number, message: string): JsonSyntaxError => ({
    position,
    ...lineAndColumn(text, position),
    message,
  });

  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
    if (i >= n) {
      return stack.length === 0 && expect === 'commaOrClose' ? undefined : fail(n, 'unexpected end of JSON');
    }
    const c = text[i];
    switch (expect) {
      case 'value':
      case 'valueOrClose': {
        if (c === ']') {
          if (expect === 'valueOrClose') {
            stack.pop();
            i++;
            expect = 'commaOrClose';
            break;
          }
          return fail(i, stack.at(-1) === '[' ? "trailing comma before ']'" : "unexpected ']'");
        }
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
          break;
        }
        const end = c === '"' ? scanString(text, i) : scanScalar(text, i);
        if (typeof end !== 'number') return fail(end.position, end.message);
        i = end;
        expect = 'commaOrClose';
        break;
      }
      case 'key':
      case 'keyOrClose': {
        if (c === '}') {
          if (expect === 'key') return fail(i, "trailing comma before '}'");
          stack.pop();
          i++;
          expect = 'commaOrClose';
          break;
        }
        if (c === "'") return fail(i, "strings in JSON use double quotes, not '");
        if (c !== '"') return fail(i, `expected a property name in double quotes, found ${describeChar(c)}`);
        const end = scanString(text, i);
        if (typeof end !== 'number') return fail(end.position, end.message);
        i = end;
        expect = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':') return fail(i, `expected ':' after the property name, found ${describeChar(c)}`);
        i++;
        expect = 'value';
        break;
      case 'commaOrClose': {
        const top = stack.at(-1);
        if (top === undefined)
          return fail(i, `unexpected ${describeChar(c)} after the end of the JSON value`);
        const close = top === '{' ? '}' : ']';
        if (c === ',') expect = top === '{' ? 'key' : 'value';
        else if (c === close) stack.pop();
        else return fail(i, `expected ',' or '${close}', found ${describeChar(c)}`);
        i++;
        break;
      }
    }
  }
}

/** 1-based line and column of `position`, counting `\n` as the line break. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: position - lineStart + 1 };
}

type ScanResult = number | { position: number; message: string };

/** Scans a string literal starting at the opening quote; returns the index after the closing one. */
function scanString(text: string, start: number): ScanResult {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === undefined) break;
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          return { position: i, message: 'invalid \\u escape in a string (needs 4 hex digits)' };
        }
        i += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(next))
        return { position: i, message: `invalid escape "\\${next}" in a string` };
      i += 2;
      continue;
    }
    if (code < 0x20) {
      return { position: i, message: 'line break or control character inside a string (write it as \\n)' };
    }
    i++;
  }
  return { position: text.length, message: 'unexpected end of JSON inside a string' };
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** Scans a number or `true` / `false` / `null`; returns the index after it. */
function scanScalar(text: string, start: number): ScanResult {
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, start)) return start + literal.length;
  }
  const c = text[start];
  if (c === '-' || (c >= '0' && c <= '9')) {
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(text);
    const end = match ? start + match[0].length : start;
    const after = text[end];
    if (end === start || (after !== undefined && /[0-9.eE+-]/.test(after))) {
      return { position: start, message: 'invalid number' };
    }
    return end;
  }
  if (c === "'") return { position: start, message: "strings in JSON use double quotes, not '" };
  if (c === '/') return { position: start, message: 'comments are not allowed in JSON' };
  if (text.startsWith('NaN', start) || text.startsWith('Infinity', start)) {
    return { position: start, message: 'NaN and Infinity are not JSON numbers' };
  }
  return { position: start, message: `unexpected ${describeChar(c)}` };
}

function describeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code > 0x20 && code < 0x7f) return `'${c}'`;
  return `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
