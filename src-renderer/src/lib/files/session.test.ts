/**
 * The file session against a scripted host: dirty tracking against the last
 * saved serialization, asking before unsaved work is lost, autosave, recovery.
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
    save: async (text, name) => (log.push(`save ${name}`), { ok: true, value: { fileName: name, path: '' } }),
    saveAs: async () => ({ ok: false, error: { type: 'canceled', message: 'canceled' } }),
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
});
