/**
 * The one contract between the desktop app's preload and its page: what
 * `window.backflow` offers. The preload (src-main/preload/index.ts) builds an
 * object that `satisfies` {@link BackflowBridge}; the renderer's IPC engine
 * client and Electron file host are typed by these same interfaces, so a
 * change on either side is a type error on the other. Main validates every
 * request again: these are types, not trust.
 */
import type {
  DiscardChoice,
  DocumentState,
  FileResult,
  KeptRunsList,
  MenuCommand,
  OpenedFile,
  RecentFile,
  SavedFile,
  StartupInfo,
  StoredRun,
} from './files-protocol';
import type { EngineEvent, EngineRequest, FilePayload } from './protocol';

/** The global name the preload exposes the bridge under. */
export const BRIDGE_GLOBAL = 'backflow';

/** Main's own event when the engine worker ended unexpectedly (the next request starts a fresh one). */
export interface EngineExitEvent {
  type: 'engine.onExit';
  code: number;
  message: string;
}

/** What an engine host (Electron main, the server) delivers: the engine's events and its exits. */
export type EngineHostEvent = EngineEvent | EngineExitEvent;

/** `window.backflow.engine`: requests out, events in. */
export interface EngineBridgeApi {
  /** Sends one request; throws for an unknown request type. */
  send(request: EngineRequest): void;
  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: EngineHostEvent) => void): () => void;
}

/** `window.backflow.files`: the open document's file; main decides every path. */
export interface FilesBridgeApi {
  open(): Promise<FileResult<OpenedFile>>;
  /** Reopens a path main handed out (recent list, command line, a drop). */
  openPath(path: string): Promise<FileResult<OpenedFile>>;
  /** Saves the design, and its pretrained weights beside it (null: it has none). */
  save(text: string, weights: Uint8Array | null): Promise<FileResult<SavedFile>>;
  saveAs(text: string, weights: Uint8Array | null): Promise<FileResult<SavedFile>>;
  /** Asks for a folder and writes an export's files into it. */
  exportModel(suggestedName: string, files: FilePayload[]): Promise<FileResult<SavedFile>>;
  /** Asks for a model and reads it with the weight files beside it. */
  importModel(): Promise<FileResult<FilePayload[]>>;
  newDocument(): Promise<FileResult<null>>;
  recent(): Promise<FileResult<RecentFile[]>>;
  clearRecent(): Promise<FileResult<null>>;
  setState(state: DocumentState): Promise<FileResult<null>>;
  confirmDiscard(): Promise<FileResult<DiscardChoice>>;
  /** The document's text while it has unsaved changes; null once it has none. */
  autosave(text: string | null): Promise<FileResult<null>>;
  startup(): Promise<FileResult<StartupInfo>>;
  restoreRecovery(): Promise<FileResult<OpenedFile>>;
  discardRecovery(): Promise<FileResult<null>>;
  closeWindow(): Promise<FileResult<null>>;
  /**
   * The runs kept beside the design at `designPath` (`<name>.runs/`, docs/runs.md).
   * Main accepts only a design it opened or saved this session.
   */
  runsList(designPath: string): Promise<FileResult<KeptRunsList>>;
  runsRead(designPath: string, id: string): Promise<FileResult<StoredRun>>;
  /** Keeps run `id` (its run file, and its trained weights or null) beside the design. */
  runsSave(
    designPath: string,
    id: string,
    text: string,
    weights: Uint8Array | null,
  ): Promise<FileResult<void>>;
  runsRemove(designPath: string, id: string): Promise<FileResult<void>>;
}

/** `window.backflow.menu`: menu items, second launches and the OS asking the page to act. */
export interface MenuBridgeApi {
  /** Returns the unsubscribe function. */
  onCommand(listener: (command: MenuCommand) => void): () => void;
}

/** Everything the preload exposes as `window.backflow`. */
export interface BackflowBridge {
  engine: EngineBridgeApi;
  files: FilesBridgeApi;
  menu: MenuBridgeApi;
  /** `process.platform` of the main process, for modifier keys (⌘ on macOS). */
  platform: string;
}
