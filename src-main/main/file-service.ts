/**
 * The open document as main sees it: which file it belongs to, whether it has
 * unsaved changes, and every file request the renderer may make. Main writes
 * only to a path the user chose in a save dialog or opened (dialog, recent
 * list, command line, the OS, a drop on the window) and the weights file
 * beside it, or into a folder chosen for an export; the renderer never names
 * a path to write and may only reopen paths main handed out. Electron is
 * injected (dialogs, window), so this runs and is tested in plain Node.
 */
import { basename, dirname, join } from 'node:path';
import {
  DESIGN_EXTENSION,
  documentTitle,
  suggestedFileName,
  type DiscardChoice,
  type DocumentState,
  type FileChannelName,
  type FileResult,
  type MenuCommand,
  type OpenedFile,
  type SavedFile,
} from '../../src-shared/files-protocol';
import { MAX_WEIGHTS_BYTES, weightsPathFor } from '../../src-shared/weights-file';
import type { Autosave } from './autosave';
import { describeRecovery } from './autosave';
import { readDesignWeights, writeDesignWeights } from './design-weights';
import { exists, readDesignFile, sweepOrphanedTemporaries, writeFileAtomic } from './files';
import {
  BadRequest,
  badRequest,
  expectBoolean,
  expectBytes,
  expectDesignText,
  expectEmpty,
  expectFiles,
  expectLabel,
  expectPath,
  expectRecord,
} from './ipc-guard';
import { readModelFiles, writeExportFiles } from './model-files';
import type { RecentFiles } from './recent';
import { createRunsHandlers } from './runs-handlers';

/** Native dialogs, injected (Electron's `dialog` in the app, stubs in tests). */
export interface FileDialogs {
  chooseOpen(): Promise<string | null>;
  chooseSave(defaultName: string): Promise<string | null>;
  confirmDiscard(name: string): Promise<DiscardChoice>;
  confirmOverwrite(path: string): Promise<boolean>;
  /** A folder for an export's files (created in the dialog if need be). */
  chooseFolder(defaultName: string): Promise<string | null>;
  /** A model to import: a TensorFlow.js model.json or a Keras JSON. */
  chooseModel(): Promise<string | null>;
}

export interface FileServiceDeps {
  dialogs: FileDialogs;
  recent: RecentFiles;
  autosave: Autosave;
  /** The title, unsaved mark or file changed: retitle the window. */
  onDocumentChange(doc: { title: string; dirty: boolean; path: string | null }): void;
  send(command: MenuCommand): void;
  /** Really closes the window (the renderer has dealt with unsaved changes). */
  closeWindow(): void;
  /** The installed app's own folders: no runs are written beside a design inside them. */
  appFolders?: readonly string[];
}

/** Paths handed out from outside the renderer (argv, OS, drops) are remembered, boundedly. */
const MAX_GRANTED = 64;

export function createFileService(deps: FileServiceDeps) {
  let currentPath: string | null = null;
  let state: DocumentState = { dirty: false, name: 'Untitled design' };
  let closeApproved = false;
  let rendererLost = false;
  let rendererReady = false;
  let pendingOpen: string | null = null;
  const granted = new Set<string>();
  /** Designs opened or saved this session: the runs channels accept these alone. */
  const designs = new Set<string>();
  const remember = (path: string) => {
    designs.delete(path);
    if (designs.size >= MAX_GRANTED) designs.delete(designs.values().next().value as string);
    designs.add(path);
  };

  const announce = () =>
    deps.onDocumentChange({
      title: documentTitle(currentPath ? basename(currentPath) : null, state.name, state.dirty),
      dirty: state.dirty,
      path: currentPath,
    });

  async function adopt(path: string): Promise<FileResult<OpenedFile>> {
    const read = await readDesignFile(path);
    if (!read.ok) return read;
    await sweepOrphanedTemporaries(dirname(path), [basename(path), basename(weightsPathFor(path))]);
    const { weights, warning } = await readDesignWeights(path, read.value.text);
    currentPath = path;
    remember(path);
    await deps.recent.add(path);
    announce();
    const opened: OpenedFile = { text: read.value.text, fileName: basename(path), path };
    if (weights) opened.weights = weights;
    if (warning) opened.warnings = [warning];
    return { ok: true, value: opened };
  }

  async function writeTo(
    path: string,
    text: string,
    weights: Uint8Array | null,
  ): Promise<FileResult<SavedFile>> {
    // Weights first: the design is written last, so a failure leaves the old design with what it had.
    const besides = await writeDesignWeights(path, text, weights);
    if (!besides.ok) return besides;
    const written = await writeFileAtomic(path, text);
    if (!written.ok) return written;
    currentPath = path;
    remember(path);
    await deps.recent.add(path);
    await deps.autosave.clear();
    announce();
    return { ok: true, value: { fileName: basename(path), path } };
  }

  async function saveAs(
    text: string,
    name: string,
    weights: Uint8Array | null,
  ): Promise<FileResult<SavedFile>> {
    const chosen = await deps.dialogs.chooseSave(
      currentPath ? basename(currentPath) : suggestedFileName(name),
    );
    if (!chosen) return canceled();
    // Dialogs on Linux do not append the filter's extension; a new name without one gets it.
    let path = chosen;
    if (!/\.json$/i.test(path)) {
      path += DESIGN_EXTENSION;
      if ((await exists(path)) && !(await deps.dialogs.confirmOverwrite(path))) return canceled();
    }
    return writeTo(path, text, weights);
  }

  /** The text and pretrained weights of a save request. */
  const savePayload = (payload: unknown) => {
    const record = expectRecord(payload, ['text', 'weights']);
    const weights =
      record.weights === null ? null : expectBytes(record.weights, 'weights', MAX_WEIGHTS_BYTES);
    return { ...expectDesignText(record.text), weights };
  };

  const handlers: Record<FileChannelName, (payload: unknown) => Promise<FileResult<unknown>>> = {
    async open(payload) {
      expectEmpty(payload);
      const path = await deps.dialogs.chooseOpen();
      return path ? adopt(path) : canceled();
    },
    async openPath(payload) {
      const path = expectPath(expectRecord(payload, ['path']).path);
      if (!granted.has(path) && !deps.recent.has(path))
        return {
          ok: false,
          error: { type: 'notAllowed', message: 'that file was not opened from Backflow' },
        };
      return adopt(path);
    },
    async save(payload) {
      const { text, design, weights } = savePayload(payload);
      return currentPath ? writeTo(currentPath, text, weights) : saveAs(text, design.name, weights);
    },
    async saveAs(payload) {
      const { text, design, weights } = savePayload(payload);
      return saveAs(text, design.name, weights);
    },
    async exportModel(payload) {
      const record = expectRecord(payload, ['suggestedName', 'files']);
      const name = expectLabel(record.suggestedName, 'suggestedName');
      const files = expectFiles(record.files);
      const folder = await deps.dialogs.chooseFolder(name);
      if (!folder) return canceled();
      for (const file of files) {
        const target = join(folder, file.name);
        if (await exists(target)) {
          // One question covers the export: the files belong together.
          if (!(await deps.dialogs.confirmOverwrite(target))) return canceled();
          break;
        }
      }
      return writeExportFiles(folder, files);
    },
    async importModel(payload) {
      expectEmpty(payload);
      const path = await deps.dialogs.chooseModel();
      return path ? readModelFiles(path) : canceled();
    },
    async newDocument(payload) {
      expectEmpty(payload);
      currentPath = null;
      await deps.autosave.clear();
      announce();
      return ok(null);
    },
    async recent(payload) {
      expectEmpty(payload);
      return ok(deps.recent.list());
    },
    async clearRecent(payload) {
      expectEmpty(payload);
      await deps.recent.clear();
      return ok(null);
    },
    async setState(payload) {
      const record = expectRecord(payload, ['dirty', 'name']);
      state = { dirty: expectBoolean(record.dirty, 'dirty'), name: expectLabel(record.name, 'name') };
      announce();
      return ok(null);
    },
    async confirmDiscard(payload) {
      expectEmpty(payload);
      return ok(await deps.dialogs.confirmDiscard(currentPath ? basename(currentPath) : state.name));
    },
    async autosave(payload) {
      const { text } = expectRecord(payload, ['text']);
      if (text === null) await deps.autosave.clear();
      else await deps.autosave.write(expectDesignText(text).text, currentPath);
      return ok(null);
    },
    async startup(payload) {
      expectEmpty(payload);
      // A (re)loaded page starts clean; after a crash, the work is in the autosave offered here.
      rendererReady = true;
      rendererLost = false;
      closeApproved = false;
      state = { dirty: false, name: state.name };
      const record = await deps.autosave.read();
      const openPath = pendingOpen;
      pendingOpen = null;
      return ok({ recovery: record ? describeRecovery(record) : null, openPath });
    },
    async restoreRecovery(payload) {
      expectEmpty(payload);
      const record = await deps.autosave.read();
      if (!record) return { ok: false, error: { type: 'io', message: 'the autosave is gone' } };
      // The path was recorded by main for the document it autosaved: saving goes back there.
      currentPath = record.filePath;
      if (currentPath) remember(currentPath);
      announce();
      const fileName = record.filePath ? basename(record.filePath) : '';
      return ok({ text: record.text, fileName, path: record.filePath ?? '' });
    },
    ...createRunsHandlers((path) => designs.has(path), deps.appFolders),
    async discardRecovery(payload) {
      expectEmpty(payload);
      await deps.autosave.clear();
      return ok(null);
    },
    async closeWindow(payload) {
      expectEmpty(payload);
      closeApproved = true;
      deps.closeWindow();
      return ok(null);
    },
  };

  return {
    /** Answers one request; never throws, whatever the payload. */
    async handle(channel: FileChannelName, payload: unknown): Promise<FileResult<unknown>> {
      try {
        return await handlers[channel](payload);
      } catch (error) {
        if (error instanceof BadRequest) return { ok: false, error: badRequest(error.message) };
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { type: 'io', message: message.slice(0, 300) } };
      }
    },
    /**
     * A file the user opened from outside the window (command line, second
     * instance, the OS, a drop): the renderer is asked to open it, first
     * dealing with unsaved changes.
     */
    requestOpen(path: string): void {
      if (granted.size >= MAX_GRANTED) granted.delete(granted.values().next().value as string);
      granted.add(path);
      if (rendererReady) deps.send({ type: 'openPath', path });
      else pendingOpen = path;
    },
    /** Whether the window may close now; if not, the renderer has been asked. */
    allowClose(): boolean {
      if (closeApproved || rendererLost || !state.dirty) return true;
      deps.send({ type: 'close' });
      return false;
    },
    /** The renderer crashed or reloaded: it can no longer answer, and its autosave must survive. */
    rendererGone(): void {
      rendererReady = false;
      rendererLost = true;
    },
    /** The window closed cleanly (saved or discarded): no recovery is needed next time. */
    async closed(): Promise<void> {
      if (!rendererLost && (!state.dirty || closeApproved)) await deps.autosave.clear();
    },
    get currentPath() {
      return currentPath;
    },
  };
}

export type FileService = ReturnType<typeof createFileService>;

const ok = <T>(value: T): FileResult<T> => ({ ok: true, value });
const canceled = (): FileResult<never> => ({ ok: false, error: { type: 'canceled', message: 'canceled' } });
