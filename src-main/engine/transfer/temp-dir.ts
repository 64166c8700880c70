/**
 * A private temporary folder for files that pass through the engine (an
 * upload being imported, an export being read back as bytes): created
 * readable by this user only, and removed afterwards whatever happens.
 *
 * A worker ended mid-import (its tab closed, a crash) never reaches that
 * removal, so each folder's name says who made it,
 * `backflow-<purpose>-<pid>-<threadId>-XXXXXX`: whoever ends a worker removes
 * its folders ({@link removeWorkerTempDirs}), and a server starting up
 * sweeps the stale ones a dead process left ({@link sweepStaleTempDirs}).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** The purposes withTempDir is used for; only these folders are ever removed by name. */
const PURPOSES = ['upload', 'download'] as const;
/** `backflow-upload-<pid>-<threadId>-XXXXXX`, or the older `backflow-upload-XXXXXX` without an owner. */
const NAME = new RegExp(`^backflow-(?:${PURPOSES.join('|')})-(?:(\\d+)-(\\d+)-)?[A-Za-z0-9]{6}$`);
/** A folder untouched this long, whose process is gone, is abandoned. */
export const STALE_AFTER_MS = 60 * 60 * 1000;

/** Runs `use` with a fresh folder (mode 0700), then deletes the folder and everything in it. */
export async function withTempDir<T>(
  purpose: (typeof PURPOSES)[number],
  use: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `backflow-${purpose}-${process.pid}-${threadId}-`));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes the temporary folders the worker thread `workerThreadId` of this
 * process left behind; call it once that worker has ended. Returns how many.
 */
export async function removeWorkerTempDirs(workerThreadId: number, folder = tmpdir()): Promise<number> {
  const owned = (await listTempDirs(folder)).filter(
    (dir) => dir.pid === process.pid && dir.threadId === workerThreadId,
  );
  // Retried: a file write the worker had started can still land while the folder is emptied.
  await Promise.all(
    owned.map((dir) => rm(dir.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })),
  );
  return owned.length;
}

/**
 * Removes temporary folders abandoned by an earlier run: untouched for
 * {@link STALE_AFTER_MS} and not in use (made by a process that no longer
 * runs, or by one too old to say). Returns the folders removed; a folder
 * that cannot be read or removed is left alone.
 */
export async function sweepStaleTempDirs(folder = tmpdir(), now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of await listTempDirs(folder)) {
    if (dir.pid !== null && isRunning(dir.pid)) continue;
    try {
      if (now - (await stat(dir.path)).mtimeMs < STALE_AFTER_MS) continue;
      await rm(dir.path, { recursive: true, force: true });
      removed.push(dir.path);
    } catch {
      // Gone already, or not ours to remove: nothing to do.
    }
  }
  return removed;
}

interface TempDir {
  path: string;
  pid: number | null;
  threadId: number | null;
}

async function listTempDirs(folder: string): Promise<TempDir[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const match = NAME.exec(name);
    if (!match) return [];
    const [, pid, thread] = match;
    return [
      {
        path: join(folder, name),
        pid: pid === undefined ? null : Number(pid),
        threadId: thread === undefined ? null : Number(thread),
      },
    ];
  });
}

/** True when a process with this id runs on this machine (EPERM: it runs, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
