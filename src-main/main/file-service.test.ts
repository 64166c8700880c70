/**
 * Every file request the renderer can make, driven as a hostile renderer
 * would: wrong types, huge strings, prototype-pollution keys, paths main never
 * handed out, export file names that would leave the chosen folder. Dialogs
 * are stubs; the files are real, in a temporary folder.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
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
      chooseFolder: async () => null,
      chooseModel: async () => null,
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
  'importModel',
  'newDocument',
  'recent',
  'clearRecent',
  'confirmDiscard',
  'startup',
  'restoreRecovery',
  'discardRecovery',
  'closeWindow',
];
const pollution = JSON.parse('{"__proto__":{"polluted":1},"text":"x","weights":null}');
const bytes = (n: number) => new Uint8Array(n);
const file = (name: unknown, content: unknown = bytes(4)) => ({ name, bytes: content });
const exportOf = (files: unknown) => ({ suggestedName: 'Deep-tfjs', files });

/** [channel, payload, message fragment]: each must come back as badRequest, not a crash. */
const hostile: [FileChannelName, unknown, string][] = [
  ...EMPTY_CHANNELS.map((c): [FileChannelName, unknown, string] => [c, { x: 1 }, 'takes no payload']),
  ['save', 'text', 'must be an object'],
  ['save', ['text'], 'must be an object'],
  ['save', { text: 42, weights: null }, 'design as text'],
  ['save', { text: 'x'.repeat(30 * 1024 * 1024), weights: null }, 'larger than any design'],
  ['save', { text: '{"format":"nope"}', weights: null }, 'not a valid design'],
  ['save', { text: TEXT, weights: null, path: '/etc/passwd' }, 'unexpected field "path"'],
  ['save', { text: TEXT }, 'missing field "weights"'],
  ['save', { text: TEXT, weights: 'AAAA' }, 'weights must be bytes'],
  ['save', { text: TEXT, weights: [1, 2] }, 'weights must be bytes'],
  ['save', { text: TEXT, weights: bytes(64 * 1024 * 1024 + 1) }, 'weights is larger than 64 MB'],
  ['save', pollution, 'unexpected field "__proto__"'],
  [
    'save',
    JSON.parse(`{"text":${JSON.stringify(TEXT)},"weights":null,"constructor":{"prototype":{"x":1}}}`),
    'constructor',
  ],
  ['saveAs', {}, 'missing field "text"'],
  ['exportModel', undefined, 'must be an object'],
  ['exportModel', { files: [file('model.json')] }, 'missing field "suggestedName"'],
  ['exportModel', exportOf([file('model.json')]).files, 'must be an object'],
  ['exportModel', { ...exportOf([file('a')]), folder: '/etc' }, 'unexpected field "folder"'],
  ['exportModel', { suggestedName: 'x'.repeat(500), files: [file('a')] }, 'at most 200'],
  ['exportModel', { suggestedName: 7, files: [file('a')] }, 'suggestedName must be text'],
  ['exportModel', exportOf('model.json'), 'files must be a list'],
  ['exportModel', exportOf([]), 'files must be a list of 1 to 64 files'],
  ['exportModel', exportOf([file('../../escape.json')]), 'has a folder in it'],
  ['exportModel', exportOf([file('/etc/cron.d/x')]), 'has a folder in it'],
  ['exportModel', exportOf([file('sub\\x.bin')]), 'has a folder in it'],
  ['exportModel', exportOf([file('..')]), 'is not a file'],
  ['exportModel', exportOf([file('never.backflow.json\0')]), 'characters files cannot have'],
  ['exportModel', exportOf([file('model.json', 'text')]), 'must be bytes'],
  ['exportModel', exportOf([file('a.bin'), file('A.BIN')]), 'given twice'],
  ['exportModel', exportOf([{ ...file('a.bin'), mode: 0o777 }]), 'exactly the fields name and bytes'],
  [
    'exportModel',
    exportOf([JSON.parse('{"name":"a.bin","bytes":null,"__proto__":{"polluted":1}}')]),
    'exactly the fields name and bytes',
  ],
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
  // The runs kept beside a design (runs-handlers.test.ts drives them on a real design).
  ['runsList', { designPath: 'relative.backflow.json' }, 'absolute path'],
  ['runsList', { designPath: '/x.backflow.json', folder: '/etc' }, 'unexpected field "folder"'],
  ['runsRead', { designPath: '/x.backflow.json' }, 'missing field "id"'],
  ['runsSave', { designPath: 7, id: 'run-a', text: '', weights: null }, 'designPath must be a path'],
  ['runsRemove', JSON.parse('{"designPath":"/x.json","id":"a","__proto__":{"polluted":1}}'), '__proto__'],
];

describe('file service: hostile payloads', () => {
  it('covers every channel', () => {
    const covered = new Set(hostile.map(([c]) => c));
    for (const name of Object.keys(FILE_CHANNELS)) expect(covered, name).toContain(name);
  });
  for (const [channel, payload, message] of hostile) {
    const shown = JSON.stringify(payload, (_key, value) =>
      value instanceof Uint8Array ? `Uint8Array(${value.length})` : value,
    );
    it(`${channel}: ${shown?.slice(0, 60) ?? String(payload)}`, async () => {
      const out = join(dir, 'out', 'chosen');
      await mkdir(out, { recursive: true });
      const { service, closed } = await setup({
        chooseSave: async () => join(dir, 'never.backflow.json'),
        chooseFolder: async () => out,
      });
      const result = await service.handle(channel, payload);
      expect(result).toMatchObject({ ok: false, error: { type: 'badRequest' } });
      if (!result.ok) expect(result.error.message).toContain(message);
      expect(await readdir(dir)).not.toContain('never.backflow.json');
      expect(await readdir(out)).toEqual([]);
      // Nothing escaped the chosen folder: `../../escape.json` would land in `dir`.
      expect(await readdir(join(dir, 'out'))).toEqual(['chosen']);
      const others = (await readdir(dir)).filter((f) => !['out', 'recent.json', 'autosave.json'].includes(f));
      expect(others).toEqual([]);
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
    expect(await service.handle('save', { text: edited, weights: null })).toMatchObject({ ok: true });
    expect(await readFile(target, 'utf8')).toBe(edited);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await service.handle('setState', { dirty: true, name: 'Edited' });
    expect(titles.at(-1)).toBe('• deep.backflow.json — Backflow');
  });

  it('Save without a file asks where, adds the extension, and remembers the file', async () => {
    const { service, recent } = await setup({ chooseSave: async () => join(dir, 'mine') });
    const saved = await service.handle('save', { text: TEXT, weights: null });
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
    expect(await service.handle('saveAs', { text: TEXT, weights: null })).toMatchObject({
      error: { type: 'canceled' },
    });
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

describe('file service: pretrained weights beside the design', () => {
  const weights = Uint8Array.from([1, 2, 3, 4, 5]);

  it('Save writes them beside the design, Open reads them back, a save without them removes the file', async () => {
    const path = join(dir, 'tuned.backflow.json');
    const { service } = await setup({ chooseSave: async () => path, chooseOpen: async () => path });
    expect(await service.handle('save', { text: TEXT, weights })).toMatchObject({ ok: true });
    expect(new Uint8Array(await readFile(join(dir, 'tuned.weights.safetensors')))).toEqual(weights);
    const opened = await service.handle('open', undefined);
    expect(opened).toMatchObject({ ok: true, value: { text: TEXT, weights } });
    expect(await service.handle('save', { text: TEXT, weights: null })).toMatchObject({ ok: true });
    expect(await readdir(dir)).not.toContain('tuned.weights.safetensors');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('opens the design with a warning when the weights beside it cannot be read', async () => {
    const path = join(dir, 'odd.backflow.json');
    await writeFile(path, TEXT);
    await mkdir(join(dir, 'odd.weights.safetensors')); // a folder where the file should be
    const { service } = await setup({ chooseOpen: async () => path });
    const opened = await service.handle('open', undefined);
    expect(opened.ok && opened.value).toMatchObject({ text: TEXT });
    expect(opened.ok && (opened.value as { weights?: unknown }).weights).toBeUndefined();
    expect(opened.ok && (opened.value as { warnings?: string[] }).warnings?.[0]).toContain(
      'odd.weights.safetensors is not a file. The design opened without its pretrained weights',
    );
  });
});

describe('file service: export and import', () => {
  const files = [
    { name: 'model.json', bytes: new TextEncoder().encode('{"format":"layers-model"}') },
    { name: 'weights.bin', bytes: Uint8Array.from([9, 8, 7]) },
  ];

  it('writes an export into the chosen folder, asking before it replaces files', async () => {
    const out = join(dir, 'export');
    await mkdir(out);
    let asked = 0;
    const { service } = await setup({
      chooseFolder: async (name) => (expect(name).toBe('Deep-tfjs'), out),
      confirmOverwrite: async () => (asked++, asked > 1),
    });
    const payload = { suggestedName: 'Deep-tfjs', files };
    expect(await service.handle('exportModel', payload)).toEqual({
      ok: true,
      value: { fileName: 'export', path: out },
    });
    expect((await readdir(out)).sort()).toEqual(['model.json', 'weights.bin']);
    expect(new Uint8Array(await readFile(join(out, 'weights.bin')))).toEqual(files[1].bytes);
    expect(asked).toBe(0);
    await writeFile(join(out, 'weights.bin'), 'older');
    expect(await service.handle('exportModel', payload)).toMatchObject({ error: { type: 'canceled' } });
    expect(await readFile(join(out, 'weights.bin'), 'utf8')).toBe('older');
    expect(await service.handle('exportModel', payload)).toMatchObject({ ok: true });
    expect(asked).toBe(2);
    expect(new Uint8Array(await readFile(join(out, 'weights.bin')))).toEqual(files[1].bytes);
  });

  async function modelFolder(model: object, extra: Record<string, string> = {}) {
    const folder = join(dir, 'model');
    await mkdir(folder);
    await writeFile(join(folder, 'model.json'), JSON.stringify(model));
    for (const [name, content] of Object.entries(extra)) await writeFile(join(dir, name), content);
    return join(folder, 'model.json');
  }
  const tfjs = (paths: string[]) => ({ weightsManifest: [{ paths, weights: [] }] });

  it('reads a tfjs model.json with the weight files its manifest names beside it', async () => {
    const path = await modelFolder(tfjs(['./shard1.bin', 'shard2.bin']));
    await writeFile(join(dir, 'model', 'shard1.bin'), 'one');
    await writeFile(join(dir, 'model', 'shard2.bin'), 'two');
    await writeFile(join(dir, 'model', 'unrelated.txt'), 'not read');
    const { service } = await setup({ chooseModel: async () => path });
    const result = await service.handle('importModel', undefined);
    expect(result.ok).toBe(true);
    const read = result.ok ? (result.value as { name: string; bytes: Uint8Array }[]) : [];
    expect(read.map((f) => [f.name, Buffer.from(f.bytes).toString()])).toEqual([
      ['model.json', JSON.stringify(tfjs(['./shard1.bin', 'shard2.bin']))],
      ['shard1.bin', 'one'],
      ['shard2.bin', 'two'],
    ]);
  });

  it('reads a Keras JSON with weights.safetensors beside it, or alone', async () => {
    const path = await modelFolder({ class_name: 'Functional', config: {} });
    const { service } = await setup({ chooseModel: async () => path });
    const alone = await service.handle('importModel', undefined);
    expect(alone.ok && (alone.value as { name: string }[]).map((f) => f.name)).toEqual(['model.json']);
    await writeFile(join(dir, 'model', 'weights.safetensors'), 'w');
    const withWeights = await service.handle('importModel', undefined);
    expect(withWeights.ok && (withWeights.value as { name: string }[]).map((f) => f.name)).toEqual([
      'model.json',
      'weights.safetensors',
    ]);
  });

  it('reads a .keras, .h5 or .onnx model alone: it holds its weights', async () => {
    await mkdir(join(dir, 'binary'));
    await writeFile(join(dir, 'binary', 'weights.safetensors'), 'not read');
    for (const name of ['model.keras', 'model.h5', 'model.onnx']) {
      const path = join(dir, 'binary', name);
      await writeFile(path, '{}'); // even bytes that parse as JSON are not a Keras JSON topology
      const { service } = await setup({ chooseModel: async () => path });
      const result = await service.handle('importModel', undefined);
      expect(result.ok && (result.value as { name: string }[]).map((f) => f.name)).toEqual([name]);
    }
  });

  const refused: [string, object, string][] = [
    [
      'a weights path outside the folder',
      tfjs(['../secret.bin']),
      'reads its weights from "../secret.bin", not a file beside it',
    ],
    ['an absolute weights path', tfjs(['/etc/passwd']), 'reads its weights from "/etc/passwd"'],
    [
      'a weights file that is not there',
      tfjs(['gone.bin']),
      'model.json needs gone.bin beside it, and it is not there',
    ],
  ];
  for (const [label, model, message] of refused) {
    it(`refuses ${label}, reading nothing else`, async () => {
      const path = await modelFolder(model, { 'secret.bin': 'secret' });
      const { service } = await setup({ chooseModel: async () => path });
      const result = await service.handle('importModel', undefined);
      expect(result).toMatchObject({ ok: false, error: { type: 'io' } });
      if (!result.ok) expect(result.error.message).toContain(message);
    });
  }

  it('a canceled dialog is data, not an error', async () => {
    const { service } = await setup();
    expect(await service.handle('importModel', undefined)).toMatchObject({ error: { type: 'canceled' } });
    expect(await service.handle('exportModel', { suggestedName: 'x', files })).toMatchObject({
      error: { type: 'canceled' },
    });
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
