/**
 * Checking where the CLI will write before it spends a run on it: `--out`
 * must be a folder that exists or can be made, and that can be written. Made
 * one level at a time (Node's recursive mkdir never returns for a path under
 * /proc), and checked by writing a file, which is what catches a read-only
 * file system or a folder the user may not write.
 */
import { mkdir, open, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** An errno-style failure of the file system, in words. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOENT':
      return 'no such folder';
    case 'ENOTDIR':
      return 'part of the path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EEXIST':
      return 'it already exists';
    default:
      return code ?? (error as Error)?.message ?? String(error);
  }
}

export type OutputFolder =
  | {
      ok: true;
      dir: string;
      /** Folders this call made, outermost first (removed again if nothing is written). */ created: string[];
    }
  | {
      ok: false;
      /** True when the path itself is the mistake (a file), not the file system. */ usage: boolean;
      message: string;
    };

/** Makes `dir` if missing and checks that files can be written in it. */
export async function prepareOutputFolder(dir: string, option: string): Promise<OutputFolder> {
  const missing: string[] = [];
  let existing = dir;
  for (;;) {
    const info = await stat(existing).catch((error: unknown) => error as NodeJS.ErrnoException);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) {
        const message =
          existing === dir
            ? `${option} ${dir} is a file; name a folder (it is created if missing)`
            : `${option} ${dir}: ${existing} is a file, not a folder`;
        return { ok: false, usage: true, message };
      }
      break;
    }
    if (info.code !== 'ENOENT' || dirname(existing) === existing) {
      return { ok: false, usage: false, message: `cannot use ${option} ${dir}: ${describeFsError(info)}` };
    }
    missing.unshift(existing);
    existing = dirname(existing);
  }
  const created: string[] = [];
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      await removeCreated(created);
      return {
        ok: false,
        usage: false,
        message: `cannot create ${option} ${folder}: ${describeFsError(error)}`,
      };
    }
    created.push(folder);
  }
  try {
    const probe = join(dir, `.backflow-write-check-${process.pid}`);
    await (await open(probe, 'wx')).close();
    await unlink(probe);
  } catch (error) {
    await removeCreated(created);
    return {
      ok: false,
      usage: false,
      message: `cannot write to ${option} ${dir}: ${describeFsError(error)}`,
    };
  }
  return { ok: true, dir, created };
}

/** Removes the folders {@link prepareOutputFolder} made, innermost first, if they are still empty. */
export async function removeCreated(created: readonly string[]): Promise<void> {
  for (const folder of [...created].reverse()) await rmdir(folder).catch(() => {});
}
