/**
 * The FileHost in Electron: a thin layer over the preload's
 * `window.backflow.files` (src-main/preload/index.ts). Main validates every
 * request and decides every path: the design's, the weights file beside it,
 * the folder of an export, the files of an import.
 */
import { MAX_DESIGN_SIZE } from '../../../../src-shared/design/index';
import type { BackflowBridge } from '../../../../src-shared/bridge';
import { readPickedFile, type FileHost } from './host';

/** The part of the preload's `window.backflow` the files use. */
export type FilesBridgeApi = Pick<BackflowBridge, 'files' | 'menu'>;

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
    keptRuns: {
      runsList: (designPath) => files.runsList(designPath),
      runsRead: (designPath, id) => files.runsRead(designPath, id),
      runsSave: (designPath, id, text, weights) => files.runsSave(designPath, id, text, weights),
      runsRemove: (designPath, id) => files.runsRemove(designPath, id),
    },
  };
}
