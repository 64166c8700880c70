/**
 * The folder of Backflow's own package.json. Modules find the repository's
 * files (resources/, out/, scripts) from here rather than by a fixed number
 * of `../`, because the same module runs from its source file under
 * src-main/ and bundled into out/cli/ or out/main/, at other depths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let found: string | undefined;

/** The package root, searched upward from `from` (default: this module's folder). */
export function packageRoot(from: string = import.meta.dirname): string {
  if (found && from === import.meta.dirname) return found;
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isBackflow(manifest)) {
      if (from === import.meta.dirname) found = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no Backflow package.json above ${from}`);
  }
}

function isBackflow(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'backflow';
  } catch {
    return false;
  }
}
