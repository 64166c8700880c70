/**
 * How loading a design fails. Errors are data (they cross the IPC and
 * WebSocket boundaries and reach the CLI), with a discriminated `type` the UI
 * switches over exhaustively, and messages written for the person who made
 * the file.
 */

import { closestName } from '../text-distance';

/** Why a design could not be loaded, from the outermost check to the innermost. */
export type DesignErrorType =
  'tooLarge' | 'invalidJson' | 'notADesign' | 'tooNew' | 'migrationFailed' | 'invalid';

/** One problem at one place in the file. */
export interface DesignIssue {
  /** A JSON path into the file as written, e.g. `graph.nodes[3].params.units`; `''` for the whole file. */
  path: string;
  /** A complete sentence that names its place, e.g. `graph.nodes[3] (d3): "units" must be …`. */
  message: string;
}

/** A failed load. `issues` is present for `invalid` (every problem found, up to {@link MAX_ISSUES}). */
export interface DesignError {
  type: DesignErrorType;
  /** What the user sees: for `invalid`, a summary line followed by one line per issue. */
  message: string;
  issues?: DesignIssue[];
}

/** The most issues one load reports: past that, more lines only bury the first mistake. */
export const MAX_ISSUES = 50;

/**
 * Longest message kept for one issue. Validators quote the offending value,
 * and a hostile file can make that value megabytes long.
 */
const MAX_MESSAGE_LENGTH = 400;

/** Accumulates issues up to {@link MAX_ISSUES}, counting the ones it drops. */
export class IssueList {
  readonly issues: DesignIssue[] = [];
  /** Issues seen in total, including those past the cap. */
  total = 0;

  /** Records one issue; its message is cut to a readable length. */
  add(path: string, message: string): void {
    this.total++;
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message: clip(message) });
  }

  /** True once the cap is reached, so callers can stop walking a huge file early. */
  get full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }
}

/** Builds the `invalid` error: a summary line, then one indented line per issue. */
export function invalidDesignError(list: IssueList, fileName?: string): DesignError {
  const what = fileName ?? 'the design';
  // Once full, walkers stop early, so the total is a lower bound.
  const count = list.full
    ? `at least ${list.total} problems`
    : list.total === 1
      ? '1 problem'
      : `${list.total} problems`;
  const shown = list.full ? ` (the first ${list.issues.length} shown)` : '';
  const lines = list.issues.map((issue) => `  ${issue.message}`);
  return {
    type: 'invalid',
    message: [`${what} is not a valid Backflow design — ${count}${shown}:`, ...lines].join('\n'),
    issues: list.issues,
  };
}

/** A JSON-ish rendering of any value for a message, never longer than `max` characters and never throwing. */
export function preview(value: unknown, max = 40): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > max ? value.slice(0, max) : value);
  else if (typeof value === 'number')
    text = Number.isFinite(value) ? String(value) : 'a number too large for JSON';
  else if (value === null) text = 'null';
  else if (Array.isArray(value)) text = 'a list';
  else if (typeof value === 'object') text = 'an object';
  else text = String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The JSON type of a value in words, for "expected X, got Y" messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text ${preview(value)}`;
  return preview(value);
}

export { closestName };

/** `(did you mean "x"?)` with a leading space, or nothing. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const guess = closestName(name, candidates);
  return guess ? ` (did you mean "${guess}"?)` : '';
}

function clip(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

/** True for a JSON object (not null, not a list). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Refuses keys outside `allowed`, suggesting the closest on a typo. */
export function checkKeys(
  issues: IssueList,
  record: Record<string, unknown>,
  allowed: readonly string[],
  at: string,
  label: string,
): void {
  for (const key of Object.keys(record)) {
    if (allowed.includes(key)) continue;
    // Past the cap only the count matters; skip the suggestion work (a hostile file may hold a million keys).
    if (issues.full) {
      issues.total++;
      continue;
    }
    const path = at ? `${at}.${key}` : key;
    const where = label ? `${label}: ` : '';
    issues.add(
      path,
      `${where}unknown key ${preview(key)}${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}`,
    );
  }
}

/** `base.key`, or `base[0]` when `key` is an index, or `base` alone. */
export function joinPath(base: string, key: string): string {
  if (!key) return base;
  return key.startsWith('[') ? `${base}${key}` : `${base}.${key}`;
}
