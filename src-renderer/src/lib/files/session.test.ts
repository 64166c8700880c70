/**
 * The file session against a scripted host: dirty tracking against the last
 * saved serialization, asking before unsaved work is lost, autosave, recovery,
 * and pretrained weights kept with the document (import, open, save, drop).
 */
import { describe, expect, it } from 'vitest';
import { parseDesign, serializeDesign } from '../../../../src-shared/design/index';
import type { MenuCommand } from '../../../../src-shared/files-protocol';
import { addLayer } from '../model/edits';
import { emptyDesign } from '../state/design-store.svelte';
import { EditorState } from '../state/editor.svelte';
import type { DiscardChoice, FileHost, OpenedFile } from './host';
import { FileSession } from './session.svelte';

function fakeHost(choice: DiscardChoice = 'cancel') {
  const log: string[] = [];
  const autosaves: (string | null)[] = [];
  const listeners: ((c: MenuCommand) => void)[] = [];
  const opened: OpenedFile = {
    text: serializeDesign({ ...emptyDesign('From disk') }),
    fileName: 'disk.backflow.json',
    path: '/d/disk.backflow.json',
  };
  const host: FileHost = {
    kind: 'electron',
    open: async () => (log.push('open'), { ok: true, value: opened }),
    openPath: async (path) => (log.push(`openPath ${path}`), { ok: true, value: opened }),
    openFile: async () => ({ ok: true, value: opened }),
    save: async (text, name, weights) => (
      log.push(`save ${name}${weights ? ` with ${weights.length} bytes of weights` : ''}`),
      { ok: true, value: { fileName: name, path: '' } }
    ),
    saveAs: async () => ({ ok: false, error: { type: 'canceled', message: 'canceled' } }),
    chooseModelFiles: async () => ({ ok: false, error: { type: 'canceled', message: 'canceled' } }),
    saveExport: async (_model, name) => ({ ok: true, value: { fileName: `${name}.zip`, path: '' } }),
    newDocument: async () => void log.push('newDocument'),
    recent: async () => [],
    clearRecent: async () => {},
    confirmDiscard: async (name) => (log.push(`confirm ${name}`), choice),
    setState: () => {},
    autosave: (text) => void autosaves.push(text),
    startup: async () => ({ recovery: null, openPath: null }),
    restoreRecovery: async () => ({
      ok: true,
      value: { ...opened, text: serializeDesign(emptyDesign('Lost')) },
    }),
    discardRecovery: async () => {},
    onCommand: (listener) => (listeners.push(listener), () => {}),
    closeWindow: () => void log.push('closeWindow'),
  };
  return { host, log, autosaves, emit: (c: MenuCommand) => listeners.forEach((l) => l(c)) };
}

function setup(choice?: DiscardChoice) {
  const editor = new EditorState();
  const fake = fakeHost(choice);
  const files = new FileSession(editor, fake.host);
  const edit = () => editor.run('add layer', (d) => addLayer(d, 'dense', { x: 0, y: 0 }));
  return { editor, files, edit, ...fake };
}

describe('file session', () => {
  it('is clean after opening, dirty after an edit, clean again after undo or save', async () => {
    const { editor, files, edit, log } = setup();
    await files.open();
    expect(editor.design.name).toBe('From disk');
    expect(files.fileName).toBe('disk.backflow.json');
    expect(files.dirty).toBe(false);
    edit();
    expect(files.dirty).toBe(true);
    expect(files.title).toBe('• disk.backflow.json — Backflow');
    editor.undo();
    expect(files.dirty).toBe(false); // same serialization as saved, though not the same object
    edit();
    expect(await files.save()).toBe(true);
    expect(log.at(-1)).toBe('save disk.backflow.json');
    expect(files.dirty).toBe(false);
  });

  it('asks before unsaved work is replaced; Cancel keeps it', async () => {
    const { editor, files, edit, log } = setup('cancel');
    await files.newDesign();
    edit();
    await files.open();
    expect(log).toEqual(['newDocument', 'confirm Untitled design']);
    expect(editor.design.graph.nodes).toHaveLength(1);
  });

  it('Save from the question saves first, then opens', async () => {
    const { files, edit, log } = setup('save');
    edit();
    await files.openPath('/d/x.backflow.json');
    expect(log).toEqual([
      'confirm Untitled design',
      'save Untitled-design.backflow.json',
      'openPath /d/x.backflow.json',
    ]);
  });

  it('the first save of a new design already has the bytes a reopen-and-save writes', async () => {
    const { files, host, edit } = setup();
    const saved: string[] = [];
    host.save = async (text, name) => (saved.push(text), { ok: true, value: { fileName: name, path: '' } });
    await files.newDesign();
    edit();
    await files.save();
    const reread = parseDesign(saved[0]);
    expect(reread.ok && serializeDesign(reread.design)).toBe(saved[0]);
  });

  it('a canceled Save As keeps the document dirty and shows nothing', async () => {
    const { editor, files, edit } = setup();
    editor.screen = 'editor';
    edit();
    expect(await files.saveAs()).toBe(false);
    expect(files.dirty).toBe(true);
    expect(editor.notices.items).toEqual([]);
  });

  it('autosaves only unsaved changes, and clears once saved', async () => {
    const { files, edit, autosaves } = setup();
    files.autosaveTick();
    expect(autosaves).toEqual([]);
    edit();
    files.autosaveTick();
    files.autosaveTick();
    expect(autosaves).toHaveLength(1);
    expect(autosaves[0]).toContain('"dense1"');
    await files.save();
    files.autosaveTick();
    expect(autosaves).toEqual([autosaves[0]]);
  });

  it('restored work stays marked unsaved; a close command asks, then closes', async () => {
    const { editor, files, log, emit } = setup('discard');
    files.start();
    await files.restoreRecovery();
    expect(editor.design.name).toBe('Lost');
    expect(files.dirty).toBe(true);
    emit({ type: 'close' });
    await new Promise((r) => setTimeout(r, 0));
    expect(log.slice(-2)).toEqual(['confirm disk.backflow.json', 'closeWindow']);
  });

  it('refuses a file that is not a design, with the parser message', async () => {
    const { files, host } = setup();
    host.open = async () => ({ ok: true, value: { text: '{"a":', fileName: 'bad.json', path: '' } });
    await files.open();
    expect(files.error).toContain('bad.json');
  });

  it('has no Export or Import until they are provided, and says so', async () => {
    const { editor, files } = setup();
    editor.screen = 'editor';
    await files.run('export');
    expect(editor.notices.items.map((n) => n.text)).toEqual(['Export is not available in this build']);
    let imported = 0;
    files.extraCommands.import = () => void imported++;
    await files.command({ type: 'import' });
    expect(imported).toBe(1);
  });
});

describe('pretrained weights', () => {
  const bytes = Uint8Array.from([1, 2, 3]);
  const imported = (name = 'Imported') => ({
    design: emptyDesign(name),
    pretrained: { bytes, source: 'model.json', tensorCount: 4 },
    warnings: ['data: guessed spiral'],
  });

  it('an import opens as a new, unsaved design with its weights; Save writes them; New drops them', async () => {
    const { editor, files, log } = setup('discard');
    editor.screen = 'editor';
    await files.openImport(async () => imported());
    expect(editor.design.name).toBe('Imported');
    expect(files.fileName).toBeNull();
    expect(files.dirty).toBe(true);
    expect(files.pretrained).toEqual({ bytes, source: 'model.json', tensorCount: 4 });
    expect(editor.notices.items.map((n) => n.text)).toContain('data: guessed spiral');
    expect(await files.save()).toBe(true);
    expect(log.at(-1)).toBe('save Imported.backflow.json with 3 bytes of weights');
    expect(files.dirty).toBe(false);
    await files.newDesign();
    expect(files.pretrained).toBeNull();
  });

  it('asks about unsaved work before the import is read, and a canceled read changes nothing', async () => {
    const { editor, files, edit, log } = setup('cancel');
    edit();
    let read = 0;
    await files.openImport(async () => (read++, imported()));
    expect(read).toBe(0);
    expect(log).toEqual(['confirm Untitled design']);
    const fresh = setup();
    await fresh.files.openImport(async () => null);
    expect(fresh.files.pretrained).toBeNull();
    expect(editor.design.graph.nodes).toHaveLength(1);
  });

  it('a file opened with weights beside it carries them; dropping them is an unsaved change', async () => {
    const { files, host } = setup();
    host.open = async () => ({
      ok: true,
      value: {
        text: serializeDesign(emptyDesign('Tuned')),
        fileName: 'tuned.backflow.json',
        path: '/d/tuned.backflow.json',
        weights: bytes,
      },
    });
    await files.open();
    expect(files.pretrained).toEqual({ bytes, source: 'tuned.weights.safetensors', tensorCount: null });
    expect(files.dirty).toBe(false);
    files.dropPretrained();
    expect(files.pretrained).toBeNull();
    expect(files.dirty).toBe(true);
  });

  it('says why the weights beside a file were not loaded', async () => {
    const { editor, files, host } = setup();
    editor.screen = 'editor';
    const warning = 'odd.weights.safetensors is not a file. The design opened without its pretrained weights';
    host.open = async () => ({
      ok: true,
      value: {
        text: serializeDesign(emptyDesign('Odd')),
        fileName: 'odd.backflow.json',
        path: '/d/odd.backflow.json',
        warnings: [warning],
      },
    });
    await files.open();
    expect(files.pretrained).toBeNull();
    expect(editor.notices.items.map((n) => n.text)).toEqual([warning]);
  });
});
