/** Which modules a `backflow` process loads, for tests of lazy loading (source and built). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const hook = join(__dirname, 'record-imports.mjs');
const root = join(__dirname, '../../..');

/** Runs `node bin args…` under the import recorder; resolves to its exit code and the module URLs it resolved. */
export function loadedModules(bin: string, args: string[]): Promise<{ code: number; modules: string[] }> {
  const record = join(mkdtempSync(join(tmpdir(), 'backflow-imports-')), 'imports.txt');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', hook, bin, ...args],
      { cwd: root, env: { ...process.env, BACKFLOW_RECORD_IMPORTS: record } },
      (error) => {
        const code = error ? Number((error as { code?: unknown }).code) : 0;
        resolve({ code, modules: readFileSync(record, 'utf8').trim().split('\n') });
      },
    );
  });
}

/** The TensorFlow.js modules among `modules`. */
export const tfjs = (modules: string[]) => modules.filter((url) => url.includes('/@tensorflow/'));
