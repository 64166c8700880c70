/**
 * The open document as a file: which file it is, whether it has unsaved
 * changes (its serialization differs from the one last saved or opened), its
 * pretrained weights when it has some (an imported model's, or the weights
 * file beside the design), and the File actions — New, Open, Open Recent,
 * Save, Save As, and opening an import — each of which asks before unsaved
 * work is lost. The FileHost decides where bytes go (Electron's main process,
 * or the browser's upload and download).
 */
import { parseDesign, serializeDesign, type Design } from '../../../../src-shared/design/index';
import {
  documentTitle,
  suggestedFileName,
  type FileError,
  type MenuCommand,
  type RecoveryInfo,
} from '../../../../src-shared/files-protocol';
import { weightsPathFor } from '../../../../src-shared/weights-file';
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

export type FileAction = 'new' | 'open' | 'save' | 'saveAs' | 'export' | 'import';

/** Weights a document starts training from instead of the seeded initializers. */
export interface PretrainedWeights {
  /** Safetensors bytes keyed `nodeId/role`, sent as they are with Train and Export. */
  bytes: Uint8Array;
  /** Where they came from, for the badge: `model.json`, `deep.weights.safetensors`. */
  source: string;
  /** How many tensors, when known. */
  tensorCount: number | null;
}

/** An imported model, ready to open as a new design. */
export interface ImportedDocument {
  design: Design;
  pretrained: PretrainedWeights | null;
  warnings: readonly string[];
}

export class FileSession {
  readonly host: FileHost;
  readonly #editor: EditorState;
  /** The file the document belongs to (`deep.backflow.json`), or null for one never saved. */
  fileName = $state<string | null>(null);
  /** Its full path where main handed one out (desktop: runs are kept beside it); null in a browser. */
  path = $state<string | null>(null);
  recent = $state.raw<RecentFile[]>([]);
  /** Work left by a session that ended abruptly, offered back on the start screen. */
  recovery = $state.raw<RecoveryInfo | null>(null);
  /** The last failure, for the start screen (the editor shows notices instead). */
  error = $state<string | null>(null);
  /** Handlers others add for Export… and Import… (menu, shortcuts, buttons): see model-files.svelte.ts. */
  readonly extraCommands: Partial<Record<'export' | 'import', () => void>> = {};
  /** The document's pretrained weights: Train fine-tunes from them, Save writes them beside the design. */
  pretrained = $state.raw<PretrainedWeights | null>(null);

  #savedDesign = $state.raw<Design | null>(null);
  #savedText = $state<string | null>(null);
  #savedPretrained = $state.raw<PretrainedWeights | null>(null);
  #busy = false;
  #lastAutosave: string | null = null;

  readonly dirty = $derived.by(() => {
    const design = this.#editor.store.design;
    if (this.pretrained !== this.#savedPretrained) return true;
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
      export: () => this.#extra('export'),
      import: () => this.#extra('import'),
    }[action]();
  }

  /**
   * Opens an imported model as a new design that belongs to no file and is
   * unsaved, with its pretrained weights. Unsaved work is asked about first;
   * `read` (choose the files, import them) runs after that and resolves to
   * null when it was canceled or failed (and said why).
   */
  openImport(read: () => Promise<ImportedDocument | null>): Promise<void> {
    return this.#exclusive(async () => {
      if (!(await this.ensureSaved())) return;
      const imported = await read();
      if (!imported) return;
      await this.host.newDocument();
      this.#editor.load(imported.design);
      this.#adopted(null, imported.pretrained);
      // An import is new work: no baseline, so it stays marked unsaved until saved.
      this.#savedDesign = null;
      this.#savedText = null;
      this.#savedPretrained = null;
      for (const warning of imported.warnings) this.#show(warning, 'info');
    });
  }

  /** Forgets the pretrained weights: the next run starts from the seeded initial weights. */
  dropPretrained(): void {
    this.pretrained = null;
  }

  /** Shows a message where the user looks now (a notice in the editor, the start screen's error line). */
  notify(message: string, kind: 'error' | 'info' = 'error'): void {
    this.#show(message, kind);
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
      case 'import':
        return this.#extra(command.type);
      case 'undo':
      case 'redo':
      case 'selectAll':
      case 'fitView':
      case 'help':
        runEditorCommand(this.#editor, command.type);
        return;
    }
  }

  async #extra(type: 'export' | 'import'): Promise<void> {
    const handler = this.extraCommands[type];
    if (handler) handler();
    else this.#show(`${type === 'export' ? 'Export' : 'Import'} is not available in this build`);
  }

  async #save(kind: 'save' | 'saveAs'): Promise<boolean> {
    const design = this.#editor.design;
    const text = serializeDesign(design);
    const name = this.fileName ?? suggestedFileName(design.name);
    const pretrained = this.pretrained;
    const weights = pretrained?.bytes ?? null;
    const result = await (kind === 'save'
      ? this.host.save(text, name, weights)
      : this.host.saveAs(text, name, weights));
    if (!result.ok) {
      this.#fail(result.error);
      return false;
    }
    this.fileName = result.value.fileName;
    this.path = result.value.path || null;
    this.#markSaved(design, text);
    this.#savedPretrained = pretrained;
    this.#lastAutosave = null;
    const beside = weights ? ` and its pretrained weights (${weightsPathFor(result.value.fileName)})` : '';
    this.#show(`Saved ${result.value.fileName}${beside}`, 'info');
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
    const pretrained = file.weights
      ? { bytes: file.weights, source: weightsPathFor(file.fileName || 'design'), tensorCount: null }
      : null;
    this.#adopted(file.fileName || null, pretrained, file.path || null);
    for (const warning of [...parsed.warnings, ...(file.warnings ?? [])]) this.#show(warning, 'info');
    return true;
  }

  #adopted(
    fileName: string | null,
    pretrained: PretrainedWeights | null = null,
    path: string | null = null,
  ): void {
    this.fileName = fileName;
    this.path = path;
    this.error = null;
    this.pretrained = pretrained;
    this.#savedPretrained = pretrained;
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
