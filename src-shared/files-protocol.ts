/**
 * The design-file API between the Electron renderer and main: channel names,
 * results and menu commands. Main owns every path: the renderer never names a
 * file to write, it asks main to save "the current document" or to show a
 * dialog, and it may only reopen paths main itself handed out (recent files,
 * files opened from the command line, the OS or a drop). Results are data,
 * never exceptions (conventions 4 and 5).
 */

/** Request channels (`ipcRenderer.invoke`), each answered with a {@link FileResult}. */
export const FILE_CHANNELS = {
  open: 'backflow:files.open',
  openPath: 'backflow:files.openPath',
  save: 'backflow:files.save',
  saveAs: 'backflow:files.saveAs',
  newDocument: 'backflow:files.newDocument',
  recent: 'backflow:files.recent',
  clearRecent: 'backflow:files.clearRecent',
  setState: 'backflow:files.setState',
  confirmDiscard: 'backflow:files.confirmDiscard',
  autosave: 'backflow:files.autosave',
  startup: 'backflow:files.startup',
  restoreRecovery: 'backflow:files.restoreRecovery',
  discardRecovery: 'backflow:files.discardRecovery',
  closeWindow: 'backflow:files.closeWindow',
  /** File → Export…: the user picks a folder, main writes the export's files into it. */
  exportModel: 'backflow:files.exportModel',
  /** File → Import…: the user picks a model, main reads it and the weight files beside it. */
  importModel: 'backflow:files.importModel',
  /** The runs kept beside a design (docs/runs.md): their summaries, newest first. */
  runsList: 'backflow:files.runsList',
  /** One kept run: its run file and its trained weights. */
  runsRead: 'backflow:files.runsRead',
  /** Keeps a run beside its design (written again on rename). */
  runsSave: 'backflow:files.runsSave',
  runsRemove: 'backflow:files.runsRemove',
} as const;

export type FileChannelName = keyof typeof FILE_CHANNELS;

/** Sent by the preload alone (from a real drop on the window): never exposed to the page. */
export const FILES_DROPPED_CHANNEL = 'backflow:files.dropped';
/** Main → renderer: a menu item, a second instance or the OS asks the renderer to act. */
export const MENU_COMMAND_CHANNEL = 'backflow:menu.onCommand';

/** Why a file request failed; the UI switches over it exhaustively. */
export type FileErrorType =
  /** The user closed a dialog: not an error to show. */
  | 'canceled'
  /** A malformed request (wrong types, unknown keys, oversized text). */
  | 'badRequest'
  /** A path main never handed out. */
  | 'notAllowed'
  /** The file could not be read or written (the message names it). */
  | 'io'
  | 'tooLarge'
  /** The text is not a valid design (the message is parseDesign's). */
  | 'design';

export interface FileError {
  type: FileErrorType;
  message: string;
}

export type FileResult<T> = { ok: true; value: T } | { ok: false; error: FileError };

/** A design file read and validated by main. */
export interface OpenedFile {
  text: string;
  /** The base name shown in the title (`deep.backflow.json`). */
  fileName: string;
  /** Absolute path, for display and for Open Recent; empty in browser mode. */
  path: string;
  /**
   * The pretrained weights found beside the design (`deep.weights.safetensors`,
   * see weights-file.ts), as safetensors bytes; absent when there are none.
   */
  weights?: Uint8Array;
  /** Things the user should know about the file (weights beside it that could not be read). */
  warnings?: string[];
}

/** The runs kept beside a design, as listed: each run's summary (its run line without design and layers). */
export interface KeptRunsList {
  summaries: Record<string, unknown>[];
  /** Summary files that could not be read (named, so the user can be told). */
  skipped: string[];
}

/** A run kept beside a design, as read back. */
export interface StoredRun {
  /** The run file (docs/runs.md), JSON Lines. */
  text: string;
  /** Its trained weights (safetensors keyed nodeId/role), or null when they were not kept. */
  weights: Uint8Array | null;
}

export interface SavedFile {
  fileName: string;
  path: string;
}

export interface RecentFile {
  path: string;
  fileName: string;
}

/** An autosave left by a session that did not end cleanly. */
export interface RecoveryInfo {
  /** The design's name inside the autosave. */
  name: string;
  /** The file it belonged to, or null for a design never saved. */
  fileName: string | null;
  /** ISO time of the autosave. */
  savedAt: string;
}

export interface StartupInfo {
  recovery: RecoveryInfo | null;
  /** A file given on the command line or by the OS before the window was ready. */
  openPath: string | null;
}

export type DiscardChoice = 'save' | 'discard' | 'cancel';

/** What the renderer reports so main can title the window and guard closing. */
export interface DocumentState {
  dirty: boolean;
  /** The design's name, shown when the document has no file yet. */
  name: string;
}

/** Commands main sends to the renderer. */
export type MenuCommand =
  | {
      type:
        | 'new'
        | 'open'
        | 'save'
        | 'saveAs'
        | 'export'
        | 'import'
        | 'undo'
        | 'redo'
        | 'selectAll'
        | 'fitView'
        | 'help'
        /** The window is closing with unsaved changes: ask, then call closeWindow. */
        | 'close'
        | 'recentChanged';
    }
  /** Open a path main handed out (recent, argv, OS, drop); unsaved changes are asked about first. */
  | { type: 'openPath'; path: string };

export const SIMPLE_MENU_COMMANDS = [
  'new',
  'open',
  'save',
  'saveAs',
  'export',
  'import',
  'undo',
  'redo',
  'selectAll',
  'fitView',
  'help',
  'close',
  'recentChanged',
] as const;

/** Longest path accepted across the boundary (Linux PATH_MAX). */
export const MAX_PATH_LENGTH = 4096;

/** The design file extension, also registered with the OS. */
export const DESIGN_EXTENSION = '.backflow.json';

/** The window title: file (or design) name, an unsaved mark, the app. */
export function documentTitle(fileName: string | null, name: string, dirty: boolean): string {
  return `${dirty ? '• ' : ''}${fileName ?? name} — Backflow`;
}

/** A file name for a design without one: its name, made safe for every file system. */
export function suggestedFileName(name: string): string {
  const base = name
    .replace(/[^\p{L}\p{N} _.-]+/gu, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/^\.+/, '')
    .slice(0, 80);
  return `${base || 'design'}${DESIGN_EXTENSION}`;
}

/** Checks an untrusted menu command (preload side); undefined when it is not one. */
export function parseMenuCommand(value: unknown): MenuCommand | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { type, path } = value as { type?: unknown; path?: unknown };
  if (type === 'openPath')
    return typeof path === 'string' && path.length > 0 && path.length <= MAX_PATH_LENGTH
      ? { type, path }
      : undefined;
  return (SIMPLE_MENU_COMMANDS as readonly unknown[]).includes(type)
    ? { type: type as (typeof SIMPLE_MENU_COMMANDS)[number] }
    : undefined;
}
