/**
 * The open document as a file: which file it is, whether it has unsaved
 * changes (its serialization differs from the one last saved or opened), and
 * the File actions — New, Open, Open Recent, Save, Save As — each of which
 * asks before unsaved work is lost. The FileHost decides where bytes go
 * (Electron's main process, or the browser's upload and download).
 */
import { parseDesign, serializeDesign, type Design } from '../../../../src-shared/design/index';
import {
  documentTitle,
  suggestedFileName,
  type FileError,
  type MenuCommand,
  type RecoveryInfo,
} from '../../../../src-shared/files-protocol';
import { emptyDesign } from '../state/design-store.svelte';
import type { EditorState } from '../state/editor.svelte';
import type { FileHost, FileResult, OpenedFile, RecentFile } from './host';
import { runEditorCommand } from './editor-commands';

/** How often unsaved work is sent to the autosave (Electron). */
export const AUTOSAVE_INTERVAL_MS = 5000;

/**
 * The design as it reads back from its own file: defaults the parser fills in
 * (a newer training option, say) are made explicit now, so the first save of a
 * new design already has the bytes every later save will write.
 */
export function canonical(design: Design): Design {
  const parsed = parseDesign(serializeDesign(design));
  return parsed.ok ? parsed.design : design;
}

export type FileAction = 'new' | 'open' | 'save' | 'saveAs';

export class FileSession {
  readonly host: FileHost;
  readonly #editor: EditorState;
  /** The file the document belongs to (`deep.backflow.json`), or null for one never saved. */
  fileName = $state<string | null>(null);
  recent = $state.raw<RecentFile[]>([]);
  /** Work left by a session that ended abruptly, offered back on the start screen. */
  recovery = $state.raw<RecoveryInfo | null>(null);
  /** The last failure, for the start screen (the editor shows notices instead). */
  error = $state<string | null>(null);
  /** Handlers others add for the menu's Export… and Import…. */
  readonly extraCommands: Partial<Record<'export' | 'import', () => void>> = {};

  #savedDesign = $state.raw<Design | null>(null);
  #savedText = $state<string | null>(null);
  #busy = false;
  #lastAutosave: string | null = null;

  readonly dirty = $derived.by(() => {
    const design = this.#editor.store.design;
    return design !== this.#savedDesign && serializeDesign(design) !== this.#savedText;
  });

  /** The window title: file name, unsaved mark, app. */
  get title(): string {
    return documentTitle(this.fileName, this.#editor.store.design.name, this.dirty);
  }

  constructor(editor: EditorState, host: FileHost) {
    this.#editor = editor;
    this.host = host;
    this.#markSaved(editor.store.design);
  }

  /** Asks the host what to offer at start-up, and starts the autosave; returns the cleanup. */
  start(): () => void {
    const unsubscribe = this.host.onCommand((command) => void this.command(command));
    const timer = setInterval(() => this.autosaveTick(), AUTOSAVE_INTERVAL_MS);
    void this.host.startup().then(async ({ recovery, openPath }) => {
      this.recovery = recovery;
      await this.refreshRecent();
      if (openPath) await this.openPath(openPath);
    });
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }

  async refreshRecent(): Promise<void> {
    this.recent = await this.host.recent();
  }

  /** True when the user saved, chose to discard, or had nothing unsaved; false to stop. */
  async ensureSaved(): Promise<boolean> {
    if (!this.dirty) return true;
    const choice = await this.host.confirmDiscard(this.fileName ?? this.#editor.design.name);
    if (choice === 'save') return this.#save('save');
    return choice === 'discard';
  }

  newDesign(): Promise<void> {
    return this.#exclusive(async () => {
      if (!(await this.ensureSaved())) return;
      await this.host.newDocument();
      this.#editor.load(canonical(emptyDesign()));
      this.#adopted(null);
    });
  }

  /** Opens an in-memory design (an example): it belongs to no file. */
  openDesign(design: Design): Promise<void> {
    return this.#exclusive(async () => {
      if (!(await this.ensureSaved())) return;
      await this.host.newDocument();
      this.#editor.load(design);
      this.#adopted(null);
    });
  }

  open(): Promise<void> {
    return this.#opening(() => this.host.open());
  }

  openPath(path: string): Promise<void> {
    return this.#opening(() => this.host.openPath(path));
  }

  /** A file handed to the page (the start screen's file field, a drop in browser mode). */
  async openFile(file: File): Promise<void> {
    await this.#opening(async () => {
      const read = await this.host.openFile(file);
      if (read.ok) await this.host.newDocument();
      return read;
    });
  }

  save(): Promise<boolean> {
    return this.#exclusive(() => this.#save('save'), false);
  }

  saveAs(): Promise<boolean> {
    return this.#exclusive(() => this.#save('saveAs'), false);
  }

  run(action: FileAction): Promise<unknown> {
    return {
      new: () => this.newDesign(),
      open: () => this.open(),
      save: () => this.save(),
      saveAs: () => this.saveAs(),
    }[action]();
  }

  restoreRecovery(): Promise<void> {
    return this.#exclusive(async () => {
      if (!(await this.ensureSaved())) return;
      const result = await this.host.restoreRecovery();
      if (!result.ok) return this.#fail(result.error);
      if (this.#load(result.value)) {
        // Restored work is unsaved work: no baseline, so it stays marked until saved.
        this.#savedDesign = null;
        this.#savedText = null;
        this.recovery = null;
      }
    });
  }

  async discardRecovery(): Promise<void> {
    this.recovery = null;
    await this.host.discardRecovery();
  }

  /** The window is closing: deal with unsaved changes, then let it close. */
  async requestClose(): Promise<void> {
    if (await this.#exclusive(() => this.ensureSaved(), false)) this.host.closeWindow();
  }

  /** Sends the unsaved document to the autosave when it changed; clears it once nothing is unsaved. */
  autosaveTick(): void {
    const text = this.dirty ? serializeDesign(this.#editor.design) : null;
    if (text === this.#lastAutosave) return;
    this.#lastAutosave = text;
    this.host.autosave(text);
  }

  /** What main needs for the title and the close guard. */
  reportState(): void {
    this.host.setState({ dirty: this.dirty, name: this.#editor.design.name });
  }

  async command(command: MenuCommand): Promise<void> {
    switch (command.type) {
      case 'new':
      case 'open':
      case 'save':
      case 'saveAs':
        await this.run(command.type);
        return;
      case 'openPath':
        await this.openPath(command.path);
        return;
      case 'close':
        await this.requestClose();
        return;
      case 'recentChanged':
        await this.refreshRecent();
        return;
      case 'export':
      case 'import': {
        const handler = this.extraCommands[command.type];
        if (handler) handler();
        else this.#show(`${command.type === 'export' ? 'Export' : 'Import'} is not available in this build`);
        return;
      }
      case 'undo':
      case 'redo':
      case 'selectAll':
      case 'fitView':
      case 'help':
        runEditorCommand(this.#editor, command.type);
        return;
    }
  }

  async #save(kind: 'save' | 'saveAs'): Promise<boolean> {
    const design = this.#editor.design;
    const text = serializeDesign(design);
    const name = this.fileName ?? suggestedFileName(design.name);
    const result = await (kind === 'save' ? this.host.save(text, name) : this.host.saveAs(text, name));
    if (!result.ok) {
      this.#fail(result.error);
      return false;
    }
    this.fileName = result.value.fileName;
    this.#markSaved(design, text);
    this.#lastAutosave = null;
    this.#show(`Saved ${result.value.fileName}`, 'info');
    return true;
  }

  #opening(read: () => Promise<FileResult<OpenedFile>>): Promise<void> {
    return this.#exclusive(async () => {
      if (!(await this.ensureSaved())) return;
      const result = await read();
      if (!result.ok) return this.#fail(result.error);
      if (this.#load(result.value)) await this.refreshRecent();
    });
  }

  /** Parses and shows an opened file; false (with the reason shown) when it is not a design. */
  #load(file: OpenedFile): boolean {
    const parsed = parseDesign(file.text, { fileName: file.fileName || undefined });
    if (!parsed.ok) {
      this.#fail({ type: 'design', message: parsed.error.message });
      return false;
    }
    this.#editor.load(parsed.design);
    this.#adopted(file.fileName || null);
    for (const warning of parsed.warnings) this.#show(warning, 'info');
    return true;
  }

  #adopted(fileName: string | null): void {
    this.fileName = fileName;
    this.error = null;
    this.#markSaved(this.#editor.design);
    this.#lastAutosave = null;
    this.host.autosave(null);
  }

  #markSaved(design: Design, text = serializeDesign(design)): void {
    this.#savedDesign = design;
    this.#savedText = text;
  }

  #fail(error: FileError): void {
    if (error.type === 'canceled') return;
    this.#show(error.message);
  }

  #show(message: string, kind: 'error' | 'info' = 'error'): void {
    if (this.#editor.screen === 'editor') this.#editor.notices.show(message, kind);
    else if (kind === 'error') this.error = message;
  }

  /** One file action at a time: a second Ctrl+S while a dialog is open does nothing. */
  async #exclusive<T>(action: () => Promise<T>, fallback?: T): Promise<T> {
    if (this.#busy) return fallback as T;
    this.#busy = true;
    try {
      return await action();
    } finally {
      this.#busy = false;
    }
  }
}
