/**
 * Checks for the parts of engine requests that carry files by value: byte
 * arrays (bounded) and file lists with bare names. A name that came from a
 * browser or a renderer ends up as a file name in the engine's temporary
 * folder, so it must not be able to leave that folder or mean anything
 * special on any file system. Each check returns a message or null.
 */

/** Most files one import may carry: a model.json and its weight shards. */
export const MAX_UPLOAD_FILES = 64;
/** Most bytes one import may carry, all files together: the largest weights and a topology. */
export const MAX_UPLOAD_BYTES = 72 * 1024 * 1024;
/** Longest file name (most file systems allow 255 bytes). */
export const MAX_FILE_NAME = 255;

/** A file crossing a process boundary by value: a bare name (no folder) and its bytes. */
export interface FilePayload {
  name: string;
  bytes: Uint8Array;
}

/** True for a whole number from `min` to `max`. */
export function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Null when `value` is a Uint8Array of at most `maxBytes`; else why not. */
export function bytesProblem(value: unknown, what: string, maxBytes: number): string | null {
  if (!(value instanceof Uint8Array)) return `${what} must be bytes (a Uint8Array)`;
  if (value.byteLength > maxBytes) return `${what} is larger than ${maxBytes >> 20} MB`;
  return null;
}

/**
 * Null when `name` is a plain file name: no folder part (`/`, `\`), not `.`
 * or `..`, no NUL or control characters, none of the characters Windows
 * refuses (`<>:"|?*`), no trailing dot or space, at most 255 characters.
 */
export function fileNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_FILE_NAME)
    return `a file name must be text of 1 to ${MAX_FILE_NAME} characters`;
  const shown = JSON.stringify(name.slice(0, 60));
  if (/[/\\]/.test(name)) return `the file name ${shown} has a folder in it`;
  if (name === '.' || name === '..') return `the file name ${shown} is not a file`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(name))
    return `the file name ${shown} has characters files cannot have`;
  if (/[. ]$/.test(name)) return `the file name ${shown} ends with a dot or a space`;
  return null;
}

/** Null when `value` is one plain `{ name, bytes }` file of at most `maxBytes`; else the problem. */
export function fileProblem(value: unknown, maxBytes: number): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'each file must be an object { name, bytes }';
  const keys = Object.keys(value);
  if (keys.length !== 2 || !keys.includes('name') || !keys.includes('bytes'))
    return 'each file must have exactly the fields name and bytes';
  const { name, bytes } = value as { name: unknown; bytes: unknown };
  return fileNameProblem(name) ?? bytesProblem(bytes, `the file "${name as string}"`, maxBytes);
}

/**
 * Null when `value` is a list of 1 to {@link MAX_UPLOAD_FILES} plain
 * `{ name, bytes }` objects with distinct valid names (case-insensitively:
 * two names one file system sees as one would overwrite each other) and at
 * most {@link MAX_UPLOAD_BYTES} in all; else the first problem.
 */
export function filesProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_UPLOAD_FILES)
    return `files must be a list of 1 to ${MAX_UPLOAD_FILES} files`;
  const seen = new Set<string>();
  let total = 0;
  for (const file of value as unknown[]) {
    const bad = fileProblem(file, MAX_UPLOAD_BYTES);
    if (bad) return bad;
    const { name, bytes } = file as FilePayload;
    const key = name.toLowerCase();
    if (seen.has(key)) return `the file name "${name}" is given twice`;
    seen.add(key);
    total += bytes.byteLength;
  }
  if (total > MAX_UPLOAD_BYTES) return `the files are larger than ${MAX_UPLOAD_BYTES >> 20} MB together`;
  return null;
}
