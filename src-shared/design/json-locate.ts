/**
 * Where a JSON path points in the text of a file, so a problem found in the
 * parsed document (`graph.nodes[3].params.units`) can be reported at a line
 * and column, as compilers report theirs. Iterative, like json-syntax.ts: a
 * hostile file's nesting cannot exhaust the stack.
 */
import { lineAndColumn } from './json-syntax';

/** A place in the text; `exact` is false when only a leading part of the path exists (a missing key). */
export interface JsonLocation {
  line: number;
  column: number;
  exact: boolean;
}

/**
 * The line and column of the value at `path` in `text` (valid JSON): of its
 * key for an object member, of the element itself for a list entry, of the
 * deepest existing part when the path goes on past what the file has
 * (`graph.edges[0].source` where `source` is missing points at the edge).
 */
export function locateJsonPath(text: string, path: string): JsonLocation {
  const segments = [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) =>
    m[1] !== undefined ? Number(m[1]) : m[2],
  );
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let pos = skipSpace(text, start);
  let best = pos;
  let matched = 0;
  for (const segment of segments) {
    const found =
      typeof segment === 'number' ? findElement(text, pos, segment) : findMember(text, pos, segment);
    if (!found) break;
    best = found.at;
    pos = found.value;
    matched++;
  }
  return { ...lineAndColumn(text, best), exact: matched === segments.length };
}

/** In the object at `pos`, the member named `key`: where its key starts and where its value starts. */
function findMember(text: string, pos: number, key: string): { at: number; value: number } | undefined {
  if (text[pos] !== '{') return undefined;
  let i = skipSpace(text, pos + 1);
  while (text[i] === '"') {
    const keyStart = i;
    const keyEnd = skipValue(text, i);
    const name = JSON.parse(text.slice(keyStart, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') return undefined;
    const value = skipSpace(text, i + 1);
    if (name === key) return { at: keyStart, value };
    i = skipSpace(text, skipValue(text, value));
    if (text[i] !== ',') return undefined;
    i = skipSpace(text, i + 1);
  }
  return undefined;
}

/** In the list at `pos`, where element `index` starts. */
function findElement(text: string, pos: number, index: number): { at: number; value: number } | undefined {
  if (text[pos] !== '[') return undefined;
  let i = skipSpace(text, pos + 1);
  for (let n = 0; i < text.length && text[i] !== ']'; n++) {
    if (n === index) return { at: i, value: i };
    i = skipSpace(text, skipValue(text, i));
    if (text[i] !== ',') return undefined;
    i = skipSpace(text, i + 1);
  }
  return undefined;
}

/** The index just past the JSON value starting at `i`. */
function skipValue(text: string, i: number): number {
  let depth = 0;
  do {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
    } else if (c === '{' || c === '[') {
      depth++;
      i++;
    } else if (c === '}' || c === ']') {
      depth--;
      i++;
    } else if (depth > 0) {
      i++;
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    }
  } while (depth > 0 && i < text.length);
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
    i++;
  return i;
}
