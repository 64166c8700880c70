/** When `backflow serve` rebuilds the web renderer: missing, or older than any source file. */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleReason } from './renderer-build';

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'backflow-build-'));
  const src = join(root, 'src', 'lib');
  const out = join(root, 'out');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'app.ts'), 'export {}');
  writeFileSync(join(src, 'app.test.ts'), 'export {}');
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);
  return { root, src, out, at };
}

describe('renderer build staleness', () => {
  it('is stale when there is no build', async () => {
    const { root, out } = tree();
    expect(await staleReason(out, [join(root, 'src')])).toMatch(/no index.html/);
  });

  it('is fresh when the build is newer than every source, stale when a source is newer', async () => {
    const { root, src, out, at } = tree();
    mkdirSync(out);
    writeFileSync(join(out, 'index.html'), '');
    at(join(src, 'app.ts'), 1000);
    at(join(src, 'app.test.ts'), 1000);
    at(join(out, 'index.html'), 2000);
    const sources = [join(root, 'src'), join(root, 'does-not-exist')];
    expect(await staleReason(out, sources)).toBeNull();
    at(join(src, 'app.test.ts'), 3000); // tests are not part of the bundle
    expect(await staleReason(out, sources)).toBeNull();
    at(join(src, 'app.ts'), 3000);
    expect(await staleReason(out, sources)).toMatch(/changed/);
  });
});
