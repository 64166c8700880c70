/**
 * Which design files a command line asks to open: `backflow deep.backflow.json`,
 * a double-click (the OS passes the path), or a second launch while the app
 * runs (its argv arrives through `second-instance`). Flags and Electron's own
 * arguments (`.`, the app path) are skipped; relative paths are resolved
 * against the launching process's working directory.
 */
import { isAbsolute, resolve } from 'node:path';
import { MAX_PATH_LENGTH } from '../../src-shared/files-protocol';

/** The design paths in `argv` (which includes the executable), absolute, in order. */
export function designPathsFromArgv(argv: readonly string[], workingDirectory: string): string[] {
  const paths: string[] = [];
  for (const arg of argv.slice(1)) {
    if (typeof arg !== 'string' || arg.startsWith('-') || arg.length > MAX_PATH_LENGTH) continue;
    if (arg.includes('\0') || !/\.json$/i.test(arg)) continue;
    paths.push(isAbsolute(arg) ? arg : resolve(workingDirectory, arg));
  }
  return paths;
}
