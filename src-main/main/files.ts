/**
 * Reading and writing design files on disk. Reads are capped (a hostile or
 * mistaken 4 GB file must not exhaust memory) and validated by the shared
 * parser; writes are atomic: the text goes to a temporary file in the same
 * folder, is flushed, then renamed over the target, so a crash mid-save
 * leaves either the old file or the new one, never half of each.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MAX_DESIGN_SIZE, parseDesign, type Design } from '../../src-shared/design/index';
import type { FileResult } from '../../src-shared/files-protocol';

/** Bytes: UTF-8 may take up to 3 bytes for a UTF-16 code unit, but design JSON is nearly all ASCII. */
export const MAX_FILE_BYTES = MAX_DESIGN_SIZE;

const describe = (error: unknown): string =>
  error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);

/** Reads at most `maxBytes` of a regular file as UTF-8; refuses anything larger or not a file. */
export async function readTextCapped(path: string, maxBytes: number): Promise<FileResult<string>> {
  const read = await readBytesCapped(path, maxBytes, 'not a design');
  if (!read.ok) return read;
  // A view over the bytes just read, not a copy.
  const text = Buffer.from(read.value.buffer, read.value.byteOffset, read.value.byteLength).toString('utf8');
  return { ok: true, value: text.replace(/^\uFEFF/, '') };
}

/**
 * Reads at most `maxBytes` of a regular file; refuses anything larger or not
 * a file, saying it is `tooLargeFor` ("not a design").
 */
export async function readBytesCapped(
  path: string,
  maxBytes: number,
  tooLargeFor: string,
): Promise<FileResult<Uint8Array>> {
  const name = basename(path);
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, error: { type: 'io', message: `${name} is not a file` } };
    if (info.size > maxBytes) return tooLarge(name, maxBytes, tooLargeFor);
    const handle = await open(path, 'r');
    try {
      // Read one byte past the cap: the file may have grown since stat.
      const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length >= buffer.length) return tooLarge(name, maxBytes, tooLargeFor);
      }
      return { ok: true, value: new Uint8Array(buffer.buffer, buffer.byteOffset, length) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, error: { type: 'io', message: `${name} could not be read (${describe(error)})` } };
  }
}

function tooLarge(name: string, maxBytes: number, what: string): FileResult<never> {
  const mb = Math.round(maxBytes / 1024 / 1024);
  return { ok: false, error: { type: 'tooLarge', message: `${name} is larger than ${mb} MB: ${what}` } };
}

/** Reads and validates a design file; the text returned is the file's, the design is parsed from it. */
export async function readDesignFile(path: string): Promise<FileResult<{ text: string; design: Design }>> {
  const read = await readTextCapped(path, MAX_FILE_BYTES);
  if (!read.ok) return read;
  const parsed = parseDesign(read.value, { fileName: basename(path) });
  if (!parsed.ok) return { ok: false, error: { type: 'design', message: parsed.error.message } };
  return { ok: true, value: { text: read.value, design: parsed.design } };
}

/** Writes `content` to `path` atomically (temporary file in the same folder, fsync, rename). */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<FileResult<void>> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // 'wx': never follow or clobber something already at the temporary name.
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncFolder(dirname(path));
    return { ok: true, value: undefined };
  } catch (error) {
    await unlink(temp).catch(() => {});
    return {
      ok: false,
      error: { type: 'io', message: `${basename(path)} could not be saved (${describe(error)})` },
    };
  }
}

/** Makes a rename durable (POSIX); folders cannot be opened for syncing on Windows, which journals renames. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => null);
  await handle?.sync().catch(() => {});
  await handle?.close();
}

/** The temporary files {@link writeFileAtomic} writes for `name`: `.name.<pid>.<8 hex>.tmp`. */
const temporaryName = (name: string) =>
  new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);

/** A temporary file older than this is an orphan whatever process owns its pid now. */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the temporary files of `names` in `folder` that a killed save left
 * behind (a writer that is gone, or an hour old); a save in progress in a
 * running process keeps its file. Returns how many were removed; never throws.
 */
export async function sweepOrphanedTemporaries(folder: string, names: readonly string[]): Promise<number> {
  const patterns = names.map(temporaryName);
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const pid = patterns.map((pattern) => pattern.exec(entry)).find(Boolean)?.[1];
    if (pid === undefined) continue;
    const path = join(folder, entry);
    const age = await stat(path).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    const orphan = Number(pid) !== process.pid && (!isRunning(Number(pid)) || age > ORPHAN_AGE_MS);
    if (
      orphan &&
      (await unlink(path).then(
        () => true,
        () => false,
      ))
    )
      removed++;
  }
  return removed;
}

/** True when something exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
