/**
 * Payload checks for IPC from the renderer, which main treats as hostile:
 * exact key sets on plain objects (so `__proto__`, `constructor` and
 * `prototype` never pass), bounded strings, and design text that must parse.
 * Every check returns a message rather than throwing.
 */
import { isAbsolute } from 'node:path';
import { MAX_DESIGN_SIZE, parseDesign, type Design } from '../../src-shared/design/index';
import { MAX_PATH_LENGTH, type FileError } from '../../src-shared/files-protocol';
import type { FilePayload } from '../../src-shared/protocol';
import { bytesProblem, filesProblem } from '../../src-shared/protocol-checks';

export class BadRequest extends Error {}

/** The error value for a request that failed a check. */
export const badRequest = (message: string): FileError => ({ type: 'badRequest', message });

/** A request without a payload: anything else is refused. */
export function expectEmpty(payload: unknown): void {
  if (payload !== undefined && payload !== null) throw new BadRequest('this request takes no payload');
}

/**
 * A plain object with exactly the allowed keys (all required). Objects with
 * another prototype (class instances, arrays) and unknown keys are refused,
 * which also covers the prototype-pollution keys.
 */
export function expectRecord<K extends string>(payload: unknown, keys: readonly K[]): Record<K, unknown> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw new BadRequest('the payload must be an object');
  const proto = Object.getPrototypeOf(payload);
  if (proto !== Object.prototype && proto !== null)
    throw new BadRequest('the payload must be a plain object');
  const own = Reflect.ownKeys(payload);
  for (const key of own) {
    if (typeof key !== 'string' || !(keys as readonly string[]).includes(key))
      throw new BadRequest(`unexpected field ${JSON.stringify(String(key)).slice(0, 60)}`);
  }
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(payload, key)) throw new BadRequest(`missing field "${key}"`);
  }
  return payload as Record<K, unknown>;
}

export function expectBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new BadRequest(`${name} must be true or false`);
  return value;
}

/** A bounded string without control characters (it ends up in a window title). */
export function expectLabel(value: unknown, name: string, max = 200): string {
  if (typeof value !== 'string' || value.length > max)
    throw new BadRequest(`${name} must be text of at most ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new BadRequest(`${name} must not contain control characters`);
  return value;
}

/** An absolute path of bounded length without NUL bytes; whether it is allowed is the caller's question. */
export function expectPath(value: unknown, name = 'path'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH_LENGTH)
    throw new BadRequest(`${name} must be a path of at most ${MAX_PATH_LENGTH} characters`);
  if (value.includes('\0') || !isAbsolute(value)) throw new BadRequest(`${name} must be an absolute path`);
  return value;
}

/** Design text: bounded, and a valid design by the shared parser, so main never writes anything else. */
export function expectDesignText(value: unknown): { text: string; design: Design } {
  if (typeof value !== 'string') throw new BadRequest('text must be the design as text');
  if (value.length > MAX_DESIGN_SIZE) throw new BadRequest('text is larger than any design can be');
  const parsed = parseDesign(value);
  if (!parsed.ok) throw new BadRequest(`text is not a valid design: ${parsed.error.message.slice(0, 300)}`);
  return { text: value, design: parsed.design };
}

/** Bytes (a Uint8Array, as structured clone delivers them) of at most `maxBytes`. */
export function expectBytes(value: unknown, name: string, maxBytes: number): Uint8Array {
  const problem = bytesProblem(value, name, maxBytes);
  if (problem) throw new BadRequest(problem);
  return value as Uint8Array;
}

/** A list of files by value with bare, distinct names (no folders, no `..`) and bounded sizes. */
export function expectFiles(value: unknown): FilePayload[] {
  const problem = filesProblem(value);
  if (problem) throw new BadRequest(problem);
  return value as FilePayload[];
}
