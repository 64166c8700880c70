/**
 * The contextBridge facade: a small typed API over the shared protocols,
 * never raw ipcRenderer. Runs sandboxed, so it imports only electron and
 * shared modules (bundled into one CommonJS file). Main validates every
 * request again; the checks here only keep honest mistakes close to home.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  FILE_CHANNELS,
  FILES_DROPPED_CHANNEL,
  MENU_COMMAND_CHANNEL,
  parseMenuCommand,
  type DiscardChoice,
  type DocumentState,
  type FileResult,
  type MenuCommand,
  type OpenedFile,
  type RecentFile,
  type SavedFile,
  type StartupInfo,
} from '../../src-shared/files-protocol';
import {
  CHANNEL_PREFIX,
  ENGINE_REQUEST_TYPES,
  type EngineEvent,
  type EngineRequest,
  type FilePayload,
} from '../../src-shared/protocol';

const REQUEST_TYPES = new Set<string>(ENGINE_REQUEST_TYPES);

type EngineHostEvent = EngineEvent | { type: 'engine.onExit'; code: number; message: string };

const invoke = <T>(channel: string, payload?: unknown): Promise<FileResult<T>> =>
  ipcRenderer.invoke(channel, payload) as Promise<FileResult<T>>;

/** Bytes pass as they are (structured clone); anything else becomes null, which main refuses or ignores. */
const bytesOrNull = (value: unknown): Uint8Array | null => (value instanceof Uint8Array ? value : null);

const api = {
  engine: {
    /** Sends one request; main validates it again. */
    send(request: EngineRequest): void {
      if (!request || !REQUEST_TYPES.has(request.type)) throw new Error('unknown engine request');
      ipcRenderer.send(`${CHANNEL_PREFIX}${request.type}`, request);
    },
    /** Subscribes to engine events; returns the unsubscribe function. */
    onEvent(listener: (event: EngineHostEvent) => void): () => void {
      const wrapped = (_event: IpcRendererEvent, payload: EngineHostEvent) => listener(payload);
      ipcRenderer.on(`${CHANNEL_PREFIX}engine.onEvent`, wrapped);
      return () => ipcRenderer.removeListener(`${CHANNEL_PREFIX}engine.onEvent`, wrapped);
    },
  },
  /** The open document's file; main decides every path. */
  files: {
    open: () => invoke<OpenedFile>(FILE_CHANNELS.open),
    /** Reopens a path main handed out (recent list, command line, a drop). */
    openPath: (path: string) => invoke<OpenedFile>(FILE_CHANNELS.openPath, { path: String(path) }),
    /** Saves the design, and its pretrained weights beside it (null: it has none). */
    save: (text: string, weights: Uint8Array | null) =>
      invoke<SavedFile>(FILE_CHANNELS.save, { text: String(text), weights: bytesOrNull(weights) }),
    saveAs: (text: string, weights: Uint8Array | null) =>
      invoke<SavedFile>(FILE_CHANNELS.saveAs, { text: String(text), weights: bytesOrNull(weights) }),
    /** Asks for a folder and writes an export's files into it. */
    exportModel: (suggestedName: string, files: FilePayload[]) =>
      invoke<SavedFile>(FILE_CHANNELS.exportModel, {
        suggestedName: String(suggestedName),
        files: Array.from(files, (f) => ({ name: String(f.name), bytes: bytesOrNull(f.bytes) })),
      }),
    /** Asks for a model and reads it with the weight files beside it. */
    importModel: () => invoke<FilePayload[]>(FILE_CHANNELS.importModel),
    newDocument: () => invoke<null>(FILE_CHANNELS.newDocument),
    recent: () => invoke<RecentFile[]>(FILE_CHANNELS.recent),
    clearRecent: () => invoke<null>(FILE_CHANNELS.clearRecent),
    setState: (state: DocumentState) =>
      invoke<null>(FILE_CHANNELS.setState, { dirty: state.dirty === true, name: String(state.name) }),
    confirmDiscard: () => invoke<DiscardChoice>(FILE_CHANNELS.confirmDiscard),
    /** The document's text while it has unsaved changes; null once it has none. */
    autosave: (text: string | null) =>
      invoke<null>(FILE_CHANNELS.autosave, { text: text === null ? null : String(text) }),
    startup: () => invoke<StartupInfo>(FILE_CHANNELS.startup),
    restoreRecovery: () => invoke<OpenedFile>(FILE_CHANNELS.restoreRecovery),
    discardRecovery: () => invoke<null>(FILE_CHANNELS.discardRecovery),
    closeWindow: () => invoke<null>(FILE_CHANNELS.closeWindow),
  },
  menu: {
    /** Menu items, second launches and the OS asking the page to act; returns the unsubscribe function. */
    onCommand(listener: (command: MenuCommand) => void): () => void {
      const wrapped = (_event: IpcRendererEvent, payload: unknown) => {
        const command = parseMenuCommand(payload);
        if (command) listener(command);
      };
      ipcRenderer.on(MENU_COMMAND_CHANNEL, wrapped);
      return () => ipcRenderer.removeListener(MENU_COMMAND_CHANNEL, wrapped);
    },
  },
  platform: process.platform,
};

export type BackflowBridge = typeof api;

contextBridge.exposeInMainWorld('backflow', api);

/**
 * Files dropped on the window. Listened for here, in the isolated world, so
 * the path comes from a real drop (webUtils gives no path for a File the page
 * made itself) and the page never gets a way to name a path to open.
 */
const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') === true;
window.addEventListener('dragover', (event) => {
  if (carriesFiles(event)) event.preventDefault();
});
window.addEventListener('drop', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  const paths = Array.from(event.dataTransfer?.files ?? [], (file) => webUtils.getPathForFile(file)).filter(
    (path) => path.length > 0,
  );
  if (paths.length > 0) ipcRenderer.send(FILES_DROPPED_CHANNEL, { paths: paths.slice(0, 100) });
});
