/** Atomic saves and capped reads, on real files in a temporary folder. */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDesignFile, readTextCapped, writeFileAtomic } from './files';
import { parseRecentStore, loadRecentFiles, MAX_RECENT } from './recent';
import { parseRecoveryRecord } from './autosave';
import { designPathsFromArgv } from './open-args';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backflow-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic write', () => {
  it('replaces the file and leaves no temporary file', async () => {
    const path = join(dir, 'a.backflow.json');
    await writeFile(path, 'old');
    expect(await writeFileAtomic(path, 'new')).toEqual({ ok: true, value: undefined });
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.backflow.json']);
  });

  it('a failed write leaves what was there whole, removes its temporary file, and reports it as data', async () => {
    // Renaming a file over a non-empty folder fails for every user, root included.
    const path = join(dir, 'taken.backflow.json');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'old');
    const result = await writeFileAtomic(path, 'new');
    expect(result).toMatchObject({ ok: false, error: { type: 'io' } });
    if (!result.ok) expect(result.error.message).toContain('taken.backflow.json could not be saved');
    expect(await readFile(join(path, 'inside'), 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['taken.backflow.json']);
  });
});

describe('capped read', () => {
  it('refuses a file over the cap without reading it whole', async () => {
    const path = join(dir, 'big.json');
    await writeFile(path, 'x'.repeat(2000));
    expect(await readTextCapped(path, 1000)).toMatchObject({ ok: false, error: { type: 'tooLarge' } });
    expect(await readTextCapped(path, 2000)).toMatchObject({ ok: true });
  });

  it('refuses a folder and a missing file, and strips a byte-order mark', async () => {
    expect(await readTextCapped(dir, 1000)).toMatchObject({ ok: false, error: { type: 'io' } });
    expect(await readTextCapped(join(dir, 'none'), 1000)).toMatchObject({ ok: false, error: { type: 'io' } });
    await writeFile(join(dir, 'bom.json'), '\uFEFF{}');
    expect(await readTextCapped(join(dir, 'bom.json'), 100)).toEqual({ ok: true, value: '{}' });
  });

  it('a file that is not a design is refused with the parser message naming it', async () => {
    await writeFile(join(dir, 'x.backflow.json'), '{"a":');
    const result = await readDesignFile(join(dir, 'x.backflow.json'));
    expect(result).toMatchObject({ ok: false, error: { type: 'design' } });
    if (!result.ok) expect(result.error.message).toContain('x.backflow.json');
  });
});

describe('recent files', () => {
  it('drops anything odd from a hand-edited or corrupt store', () => {
    expect(parseRecentStore('not json')).toEqual([]);
    expect(parseRecentStore('{"paths":"x"}')).toEqual([]);
    expect(parseRecentStore('{"paths":["/a.json","rel.json",7,"/a.json","/b\\u0000.json"]}')).toEqual([
      '/a.json',
    ]);
  });

  it('keeps the newest first, without duplicates, at most MAX_RECENT, and persists', async () => {
    const store = join(dir, 'recent.json');
    const recent = await loadRecentFiles(store);
    for (let i = 0; i < MAX_RECENT + 3; i++) await recent.add(`/d/${i}.backflow.json`);
    await recent.add('/d/5.backflow.json');
    const again = await loadRecentFiles(store);
    expect(again.list()).toHaveLength(MAX_RECENT);
    expect(again.list()[0]).toEqual({ path: '/d/5.backflow.json', fileName: '5.backflow.json' });
    expect(again.has('/d/0.backflow.json')).toBe(false);
    await again.clear();
    expect((await loadRecentFiles(store)).list()).toEqual([]);
  });
});

describe('autosave record', () => {
  it('refuses anything but a record holding a valid design', () => {
    expect(parseRecoveryRecord('{')).toBeNull();
    expect(
      parseRecoveryRecord('{"format":"backflow.autosave","savedAt":"x","filePath":null,"text":"{}"}'),
    ).toBeNull();
    expect(
      parseRecoveryRecord(
        '{"format":"backflow.autosave","savedAt":"2024-01-01T00:00:00Z","filePath":null,"text":"{}"}',
      ),
    ).toBeNull();
  });
});

describe('command-line files', () => {
  it('takes .json arguments, skips flags and Electron arguments, resolves relative paths', () => {
    expect(
      designPathsFromArgv(
        ['/usr/bin/backflow', '.', '--no-sandbox', 'a.backflow.json', '/x/B.JSON', 'c.txt'],
        '/home/u',
      ),
    ).toEqual(['/home/u/a.backflow.json', '/x/B.JSON']);
  });
});
