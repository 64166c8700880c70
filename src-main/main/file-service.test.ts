/**
 * Every file request the renderer can make, driven as a hostile renderer
 * would: wrong types, huge strings, prototype-pollution keys, paths main never
 * handed out. Dialogs are stubs; the files are real, in a temporary folder.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeDesign } from '../../src-shared/design/index';
import { FILE_CHANNELS, type FileChannelName, type MenuCommand } from '../../src-shared/files-protocol';
import { emptyTestDesign } from './test-design';
import { createAutosave } from './autosave';
import { createFileService, type FileDialogs } from './file-service';
import { loadRecentFiles } from './recent';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backflow-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TEXT = serializeDesign(emptyTestDesign('Tiny'));

async function setup(dialogs: Partial<FileDialogs> = {}) {
  const sent: MenuCommand[] = [];
  const titles: string[] = [];
  let closed = 0;
  const recent = await loadRecentFiles(join(dir, 'recent.json'));
  const autosave = createAutosave(join(dir, 'autosave.json'), 0);
  const service = createFileService({
    dialogs: {
      chooseOpen: async () => null,
      chooseSave: async () => null,
      confirmDiscard: async () => 'cancel',
      confirmOverwrite: async () => false,
      ...dialogs,
    },
    recent,
    autosave,
    send: (c) => void sent.push(c),
    closeWindow: () => void closed++,
    onDocumentChange: ({ title }) => void titles.push(title),
  });
  return { service, sent, titles, recent, autosave, closed: () => closed };
}

const EMPTY_CHANNELS: FileChannelName[] = [
  'open',
  'newDocument',
  'recent',
  'clearRecent',
  'confirmDiscard',
  'startup',
  'restoreRecovery',
  'discardRecovery',
  'closeWindow',
];
const pollution = JSON.parse('{"__proto__":{"polluted":1},"text":"x"}');

/** [channel, payload, message fragment]: each must come back as badRequest, not a crash. */
const hostile: [FileChannelName, unknown, string][] = [
  ...EMPTY_CHANNELS.map((c): [FileChannelName, unknown, string] => [c, { x: 1 }, 'takes no payload']),
  ['save', 'text', 'must be an object'],
  ['save', ['text'], 'must be an object'],
  ['save', { text: 42 }, 'design as text'],
  ['save', { text: 'x'.repeat(30 * 1024 * 1024) }, 'larger than any design'],
  ['save', { text: '{"format":"nope"}' }, 'not a valid design'],
  ['save', { text: TEXT, path: '/etc/passwd' }, 'unexpected field "path"'],
  ['save', pollution, 'unexpected field "__proto__"'],
  ['save', JSON.parse(`{"text":${JSON.stringify(TEXT)},"constructor":{"prototype":{"x":1}}}`), 'constructor'],
  ['saveAs', {}, 'missing field "text"'],
  ['saveAs', new Date(), 'plain object'],
  ['openPath', { path: 7 }, 'must be a path'],
  ['openPath', { path: 'relative/x.backflow.json' }, 'absolute path'],
  ['openPath', { path: '/tmp/a\0.backflow.json' }, 'absolute path'],
  ['openPath', { path: `/${'a'.repeat(5000)}` }, 'at most 4096'],
  ['setState', { dirty: 'yes', name: 'x' }, 'dirty must be true or false'],
  ['setState', { dirty: true, name: 'x'.repeat(10_000) }, 'at most 200'],
  ['setState', { dirty: true, name: 'a\u0007b' }, 'control characters'],
  ['setState', { dirty: true }, 'missing field "name"'],
  ['autosave', { text: { nested: true } }, 'design as text'],
  ['autosave', { text: '{' }, 'not a valid design'],
];

describe('file service: hostile payloads', () => {
  it('covers every channel', () => {
    const covered = new Set(hostile.map(([c]) => c));
    for (const name of Object.keys(FILE_CHANNELS)) expect(covered, name).toContain(name);
  });
  for (const [channel, payload, message] of hostile) {
    it(`${channel}: ${JSON.stringify(payload)?.slice(0, 60) ?? String(payload)}`, async () => {
      const { service, closed } = await setup({ chooseSave: async () => join(dir, 'never.backflow.json') });
      const result = await service.handle(channel, payload);
      expect(result).toMatchObject({ ok: false, error: { type: 'badRequest' } });
      if (!result.ok) expect(result.error.message).toContain(message);
      expect(await readdir(dir)).not.toContain('never.backflow.json');
      expect(closed()).toBe(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

describe('file service: paths', () => {
  it('refuses to open a path main never handed out', async () => {
    const { service } = await setup();
    const target = join(dir, 'elsewhere.backflow.json');
    await writeFile(target, TEXT);
    expect(await service.handle('openPath', { path: target })).toMatchObject({
      ok: false,
      error: { type: 'notAllowed' },
    });
  });

  it('opens a path handed out by argv or a drop, then saves back to it atomically', async () => {
    const { service, sent, titles } = await setup();
    const target = join(dir, 'deep.backflow.json');
    await writeFile(target, TEXT);
    await service.handle('startup', undefined);
    service.requestOpen(target);
    expect(sent).toEqual([{ type: 'openPath', path: target }]);
    const opened = await service.handle('openPath', { path: target });
    expect(opened).toEqual({ ok: true, value: { text: TEXT, fileName: 'deep.backflow.json', path: target } });
    const edited = serializeDesign(emptyTestDesign('Edited'));
    expect(await service.handle('save', { text: edited })).toMatchObject({ ok: true });
    expect(await readFile(target, 'utf8')).toBe(edited);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await service.handle('setState', { dirty: true, name: 'Edited' });
    expect(titles.at(-1)).toBe('• deep.backflow.json — Backflow');
  });

  it('Save without a file asks where, adds the extension, and remembers the file', async () => {
    const { service, recent } = await setup({ chooseSave: async () => join(dir, 'mine') });
    const saved = await service.handle('save', { text: TEXT });
    const path = join(dir, 'mine.backflow.json');
    expect(saved).toEqual({ ok: true, value: { fileName: 'mine.backflow.json', path } });
    expect(await readFile(path, 'utf8')).toBe(TEXT);
    expect(recent.has(path)).toBe(true);
    // Now in the recent list, it may be reopened by path.
    expect(await service.handle('openPath', { path })).toMatchObject({ ok: true });
  });

  it('a canceled dialog is data, not an error', async () => {
    const { service } = await setup();
    expect(await service.handle('open', undefined)).toMatchObject({ ok: false, error: { type: 'canceled' } });
    expect(await service.handle('saveAs', { text: TEXT })).toMatchObject({ error: { type: 'canceled' } });
  });

  it('opening something that is not a design is refused with the parser message', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format":"backflow.design","formatVersion":99}');
    const { service } = await setup({ chooseOpen: async () => bad });
    const result = await service.handle('open', undefined);
    expect(result).toMatchObject({ ok: false, error: { type: 'design' } });
    expect(service.currentPath).toBeNull();
  });
});

describe('file service: closing and recovery', () => {
  it('asks the renderer before closing with unsaved changes, then lets it close', async () => {
    const { service, sent, closed } = await setup();
    expect(service.allowClose()).toBe(true);
    await service.handle('setState', { dirty: true, name: 'x' });
    expect(service.allowClose()).toBe(false);
    expect(sent).toEqual([{ type: 'close' }]);
    await service.handle('closeWindow', undefined);
    expect(closed()).toBe(1);
    expect(service.allowClose()).toBe(true);
  });

  it('keeps the autosave after a crash and offers it back; a clean close removes it', async () => {
    const first = await setup();
    await first.service.handle('setState', { dirty: true, name: 'Tiny' });
    await first.service.handle('autosave', { text: TEXT });
    first.service.rendererGone();
    await first.service.closed();

    const second = await setup();
    const startup = await second.service.handle('startup', undefined);
    expect(startup).toMatchObject({ ok: true, value: { recovery: { name: 'Tiny', fileName: null } } });
    expect(await second.service.handle('restoreRecovery', undefined)).toMatchObject({
      ok: true,
      value: { text: TEXT, path: '' },
    });
    await second.service.closed();
    expect(await second.autosave.read()).toBeNull();
  });
});
