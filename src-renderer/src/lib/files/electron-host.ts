/**
 * The FileHost in Electron: a thin layer over the preload's
 * `window.backflow.files` (src-main/preload/index.ts). Main validates every
 * request and decides every path: the design's, the weights file beside it,
 * the folder of an export, the files of an import.
 */
import { MAX_DESIGN_SIZE } from '../../../../src-shared/design/index';
import type { DocumentState, StartupInfo } from '../../../../src-shared/files-protocol';
import type { FilePayload } from '../../../../src-shared/protocol';
import { readPickedFile, type FileHost, type FileResult, type MenuCommand, type OpenedFile } from './host';

type Invoke<T> = () => Promise<FileResult<T>>;

/** The part of the preload's `window.backflow` the files use. */
export interface FilesBridgeApi {
  files: {
    open: Invoke<OpenedFile>;
    openPath(path: string): Promise<FileResult<OpenedFile>>;
    save(text: string, weights: Uint8Array | null): Promise<FileResult<{ fileName: string; path: string }>>;
    saveAs(text: string, weights: Uint8Array | null): Promise<FileResult<{ fileName: string; path: string }>>;
    exportModel(
      suggestedName: string,
      files: FilePayload[],
    ): Promise<FileResult<{ fileName: string; path: string }>>;
    importModel: Invoke<FilePayload[]>;
    newDocument: Invoke<null>;
    recent: Invoke<{ path: string; fileName: string }[]>;
    clearRecent: Invoke<null>;
    setState(state: DocumentState): Promise<FileResult<null>>;
    confirmDiscard: Invoke<'save' | 'discard' | 'cancel'>;
    autosave(text: string | null): Promise<FileResult<null>>;
    startup: Invoke<StartupInfo>;
    restoreRecovery: Invoke<OpenedFile>;
    discardRecovery: Invoke<null>;
    closeWindow: Invoke<null>;
  };
  menu: { onCommand(listener: (command: MenuCommand) => void): () => void };
}

export function isFilesBridgeApi(value: unknown): value is FilesBridgeApi {
  const api = value as Partial<FilesBridgeApi> | null;
  return (
    typeof api === 'object' &&
    api !== null &&
    typeof api.files?.save === 'function' &&
    typeof api.menu?.onCommand === 'function'
  );
}

export function createElectronFileHost(api: FilesBridgeApi): FileHost {
  const { files } = api;
  const quiet = (promise: Promise<unknown>) => void promise.catch(() => {});
  return {
    kind: 'electron',
    open: () => files.open(),
    openPath: (path) => files.openPath(path),
    openFile: (file) => readPickedFile(file, MAX_DESIGN_SIZE),
    save: (text, _name, weights) => files.save(text, weights),
    saveAs: (text, _name, weights) => files.saveAs(text, weights),
    chooseModelFiles: () => files.importModel(),
    saveExport: (model, suggestedName) => files.exportModel(suggestedName, model.files),
    newDocument: async () => void (await files.newDocument()),
    recent: async () => {
      const result = await files.recent();
      return result.ok ? result.value : [];
    },
    clearRecent: async () => void (await files.clearRecent()),
    confirmDiscard: async () => {
      const result = await files.confirmDiscard();
      return result.ok ? result.value : 'cancel';
    },
    setState: (state) => quiet(files.setState(state)),
    autosave: (text) => quiet(files.autosave(text)),
    startup: async () => {
      const result = await files.startup();
      return result.ok ? result.value : { recovery: null, openPath: null };
    },
    restoreRecovery: () => files.restoreRecovery(),
    discardRecovery: async () => void (await files.discardRecovery()),
    onCommand: (listener) => api.menu.onCommand(listener),
    closeWindow: () => quiet(files.closeWindow()),
  };
}
