/**
 * The contextBridge facade: a small typed API over the shared protocols,
 * never raw ipcRenderer. Runs sandboxed, so it imports only electron and
 * shared modules (bundled into one CommonJS file). Main validates every
 * request again; the checks here only keep honest mistakes close to home.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, type BackflowBridge, type EngineHostEvent } from '../../src-shared/bridge';
import {
  FILE_CHANNELS,
  FILES_DROPPED_CHANNEL,
  MENU_COMMAND_CHANNEL,
  parseMenuCommand,
  type FileResult,
} from '../../src-shared/files-protocol';
import { CHANNEL_PREFIX, ENGINE_REQUEST_TYPES, ENGINE_EVENT_CHANNEL } from '../../src-shared/protocol';

const REQUEST_TYPES = new Set<string>(ENGINE_REQUEST_TYPES);

/** Main answers every file request with a FileResult (files-ipc.ts); its value type is the bridge's. */
const invoke = <T>(channel: string, payload?: unknown): Promise<FileResult<T>> =>
  ipcRenderer.invoke(channel, payload) as Promise<FileResult<T>>;

/** Bytes pass as they are (structured clone); anything else becomes null, which main refuses or ignores. */
const bytesOrNull = (value: unknown): Uint8Array | null => (value instanceof Uint8Array ? value : null);

const api = {
  engine: {
    send(request) {
      if (!request || !REQUEST_TYPES.has(request.type)) throw new Error('unknown engine request');
      ipcRenderer.send(`${CHANNEL_PREFIX}${request.type}`, request);
    },
    /** Subscribes to engine events; returns the unsubscribe function. */
    onEvent(listener) {
      const wrapped = (_event: IpcRendererEvent, payload: EngineHostEvent) => listener(payload);
      ipcRenderer.on(ENGINE_EVENT_CHANNEL, wrapped);
      return () => ipcRenderer.removeListener(ENGINE_EVENT_CHANNEL, wrapped);
    },
  },
  /** The open document's file; main decides every path. */
  files: {
    open: () => invoke(FILE_CHANNELS.open),
    /** Reopens a path main handed out (recent list, command line, a drop). */
    openPath: (path) => invoke(FILE_CHANNELS.openPath, { path: String(path) }),
    /** Saves the design, and its pretrained weights beside it (null: it has none). */
    save: (text, weights) =>
      invoke(FILE_CHANNELS.save, { text: String(text), weights: bytesOrNull(weights) }),
    saveAs: (text, weights) =>
      invoke(FILE_CHANNELS.saveAs, { text: String(text), weights: bytesOrNull(weights) }),
    /** Asks for a folder and writes an export's files into it. */
    exportModel: (suggestedName, files) =>
      invoke(FILE_CHANNELS.exportModel, {
        suggestedName: String(suggestedName),
        files: Array.from(files, (f) => ({ name: String(f.name), bytes: bytesOrNull(f.bytes) })),
      }),
    /** Asks for a model and reads it with the weight files beside it. */
    importModel: () => invoke(FILE_CHANNELS.importModel),
    newDocument: () => invoke(FILE_CHANNELS.newDocument),
    recent: () => invoke(FILE_CHANNELS.recent),
    clearRecent: () => invoke(FILE_CHANNELS.clearRecent),
    setState: (state) =>
      invoke(FILE_CHANNELS.setState, { dirty: state.dirty === true, name: String(state.name) }),
    confirmDiscard: () => invoke(FILE_CHANNELS.confirmDiscard),
    /** The document's text while it has unsaved changes; null once it has none. */
    autosave: (text) => invoke(FILE_CHANNELS.autosave, { text: text === null ? null : String(text) }),
    startup: () => invoke(FILE_CHANNELS.startup),
    restoreRecovery: () => invoke(FILE_CHANNELS.restoreRecovery),
    discardRecovery: () => invoke(FILE_CHANNELS.discardRecovery),
    closeWindow: () => invoke(FILE_CHANNELS.closeWindow),
    /** The runs kept beside a design main opened or saved (it checks the path and ids again). */
    runsList: (designPath) => invoke(FILE_CHANNELS.runsList, { designPath: String(designPath) }),
    runsRead: (designPath, id) =>
      invoke(FILE_CHANNELS.runsRead, { designPath: String(designPath), id: String(id) }),
    runsSave: (designPath, id, text, weights) =>
      invoke(FILE_CHANNELS.runsSave, {
        designPath: String(designPath),
        id: String(id),
        text: String(text),
        weights: bytesOrNull(weights),
      }),
    runsRemove: (designPath, id) =>
      invoke(FILE_CHANNELS.runsRemove, { designPath: String(designPath), id: String(id) }),
  },
  menu: {
    /** Menu items, second launches and the OS asking the page to act; returns the unsubscribe function. */
    onCommand(listener) {
      const wrapped = (_event: IpcRendererEvent, payload: unknown) => {
        const command = parseMenuCommand(payload);
        if (command) listener(command);
      };
      ipcRenderer.on(MENU_COMMAND_CHANNEL, wrapped);
      return () => ipcRenderer.removeListener(MENU_COMMAND_CHANNEL, wrapped);
    },
  },
  platform: process.platform,
} satisfies BackflowBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, api);

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
