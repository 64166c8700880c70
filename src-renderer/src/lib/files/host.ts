/**
 * Where design files come from and go to. In Electron, main owns the disk
 * (native dialogs, atomic saves, recent files, autosave); in a browser, files
 * are uploaded and downloaded. The session codes against this interface only.
 */
import type {
  DiscardChoice,
  DocumentState,
  FileResult,
  MenuCommand,
  OpenedFile,
  RecentFile,
  SavedFile,
  StartupInfo,
} from '../../../../src-shared/files-protocol';
import type { FilesBridgeApi } from '../../../../src-shared/bridge';
import type { ExportedModel, FilePayload } from '../../../../src-shared/protocol';

/** The file bridge's runs channels: the runs kept beside a design (desktop). */
export type KeptRunsBridge = Pick<FilesBridgeApi, 'runsList' | 'runsRead' | 'runsSave' | 'runsRemove'>;

export type { DiscardChoice, FileResult, MenuCommand, OpenedFile, RecentFile, SavedFile, StartupInfo };

export interface FileHost {
  readonly kind: 'electron' | 'browser';
  /** Asks for a file (a native dialog, or the browser's file chooser). */
  open(): Promise<FileResult<OpenedFile>>;
  /** Reopens a recent file (Electron only; the browser has no paths). */
  openPath(path: string): Promise<FileResult<OpenedFile>>;
  /** A file the page was given directly (an upload, a drop in browser mode). */
  openFile(file: File): Promise<FileResult<OpenedFile>>;
  /**
   * Saves to the document's file, asking where when it has none (a download in
   * a browser). `weights`, the document's pretrained weights, go beside it as
   * `<name>.weights.safetensors`; null when it has none.
   */
  save(text: string, suggestedName: string, weights: Uint8Array | null): Promise<FileResult<SavedFile>>;
  saveAs(text: string, suggestedName: string, weights: Uint8Array | null): Promise<FileResult<SavedFile>>;
  /** Asks for a model's files: a model.json and the weight files beside it (or a Keras JSON and weights.safetensors), or one .keras, .h5 or .onnx file. */
  chooseModelFiles(): Promise<FileResult<FilePayload[]>>;
  /** Hands an export's files to the user: one .zip download in a browser, a folder they choose in Electron. */
  saveExport(model: ExportedModel, suggestedName: string): Promise<FileResult<SavedFile>>;
  /** The document no longer belongs to a file. */
  newDocument(): Promise<void>;
  recent(): Promise<RecentFile[]>;
  clearRecent(): Promise<void>;
  /** Save, discard or cancel, asked about the unsaved changes to `name`. */
  confirmDiscard(name: string): Promise<DiscardChoice>;
  /** Reports the document's state (the window title, the close guard). */
  setState(state: DocumentState): void;
  /** The text to recover after a crash while it has unsaved changes; null once it has none. */
  autosave(text: string | null): void;
  startup(): Promise<StartupInfo>;
  restoreRecovery(): Promise<FileResult<OpenedFile>>;
  discardRecovery(): Promise<void>;
  /** Commands from the native menu, second launches and the OS; returns the unsubscribe function. */
  onCommand(listener: (command: MenuCommand) => void): () => void;
  /** Closes the window once unsaved changes are dealt with (Electron only). */
  closeWindow(): void;
  /** Where runs are kept beside their design (Electron); absent where runs live in the page's storage. */
  readonly keptRuns?: KeptRunsBridge;
}

/** Reads a File the page holds, capped, as text. */
export async function readPickedFile(file: File, maxBytes: number): Promise<FileResult<OpenedFile>> {
  if (file.size > maxBytes)
    return {
      ok: false,
      error: { type: 'tooLarge', message: `${file.name} is larger than ${maxBytes >> 20} MB: not a design` },
    };
  try {
    return { ok: true, value: { text: await file.text(), fileName: file.name, path: '' } };
  } catch {
    return { ok: false, error: { type: 'io', message: `${file.name} could not be read` } };
  }
}
