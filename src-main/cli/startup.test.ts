/**
 * Lazy loading, checked structurally (start times are `bench`'s business):
 * the commands that must start at once never load TensorFlow.js, while a
 * command that needs it does, so the recorder is known to see it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const hook = join(__dirname, 'test-fixtures/record-imports.mjs');
const example = join(root, 'resources/examples/deep-sigmoid.backflow.json');

/** Runs `node bin args…` under the import recorder; resolves to its exit code and the modules it loaded. */
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

const tfjs = (modules: string[]) => modules.filter((url) => url.includes('/@tensorflow/'));

describe('what a command loads (from source, through bin/backflow.mjs)', () => {
  const bin = join(root, 'bin/backflow.mjs');

  it.each([
    [['--help']],
    [['--version']],
    [['help', 'train']],
    [['train', '--help']],
    [['validate', example]],
  ])(
    '%j does not load TensorFlow.js or the engine',
    async (args) => {
      const { code, modules } = await loadedModules(bin, args);
      expect(code).toBe(0);
      expect(modules.some((url) => url.endsWith('/src-main/cli/main.ts'))).toBe(true);
      expect(tfjs(modules)).toEqual([]);
      if (args[0] !== 'validate')
        expect(modules.filter((url) => url.includes('/src-main/engine/'))).toEqual([]);
    },
    30_000,
  );

  it('export loads TensorFlow.js (so the recorder would see it)', async () => {
    // No --out: the usage error comes from inside the command, after its modules loaded.
    const { code, modules } = await loadedModules(bin, ['export', example, '--format', 'tfjs']);
    expect(code).toBe(2);
    expect(tfjs(modules)).not.toEqual([]);
  }, 30_000);
});
