/**
 * Lazy loading, checked structurally (start times are `bench`'s business):
 * the commands that must start at once never load TensorFlow.js, while a
 * command that needs it does, so the recorder is known to see it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadedModules, tfjs } from './test-fixtures/loaded-modules';

const root = join(__dirname, '../..');
const example = join(root, 'resources/examples/deep-sigmoid.backflow.json');

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
