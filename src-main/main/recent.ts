/**
 * The recent-files list, kept in the app's data folder. Its paths are ones
 * the user opened or saved through main, so the renderer may ask to reopen
 * them; the stored file is still read as untrusted (it may be edited by hand
 * or corrupt) and anything odd in it is dropped.
 */
import { basename, isAbsolute } from 'node:path';
import { MAX_PATH_LENGTH, type RecentFile } from '../../src-shared/files-protocol';
import { readTextCapped, writeFileAtomic } from './files';

export const MAX_RECENT = 10;
const MAX_STORE_BYTES = 64 * 1024;

export interface RecentFiles {
  list(): RecentFile[];
  has(path: string): boolean;
  /** Moves `path` to the top (adding it); saved in the background. */
  add(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  clear(): Promise<void>;
}

const isStoredPath = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length > 0 &&
  value.length <= MAX_PATH_LENGTH &&
  !value.includes('\0') &&
  isAbsolute(value);

/** The paths in a stored list, cleaned; never throws. */
export function parseRecentStore(text: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const paths = (data as { paths?: unknown } | null)?.paths;
  if (!Array.isArray(paths)) return [];
  return [...new Set(paths.filter(isStoredPath))].slice(0, MAX_RECENT);
}

/** Loads the list stored at `storePath` (a missing or corrupt store is an empty list). */
export async function loadRecentFiles(
  storePath: string,
  onChange: (list: RecentFile[]) => void = () => {},
): Promise<RecentFiles> {
  const read = await readTextCapped(storePath, MAX_STORE_BYTES);
  let paths = read.ok ? parseRecentStore(read.value) : [];
  const persist = async () => {
    onChange(list());
    await writeFileAtomic(storePath, `${JSON.stringify({ paths }, null, 2)}\n`);
  };
  const list = () => paths.map((path) => ({ path, fileName: basename(path) }));
  return {
    list,
    has: (path) => paths.includes(path),
    async add(path) {
      if (!isStoredPath(path)) return;
      paths = [path, ...paths.filter((p) => p !== path)].slice(0, MAX_RECENT);
      await persist();
    },
    async remove(path) {
      if (!paths.includes(path)) return;
      paths = paths.filter((p) => p !== path);
      await persist();
    },
    async clear() {
      paths = [];
      await persist();
    },
  };
}
