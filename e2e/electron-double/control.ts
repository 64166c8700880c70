/**
 * Messages between a Playwright spec and the Electron double running the
 * built main process (over the child process's Node IPC channel). The spec
 * answers native dialogs, clicks menu items and reads what only main knows
 * (window title, recent documents); the double reports each window it opens
 * with the DevTools address the spec connects to.
 */

/** The dialog methods the double implements; each call is put to the spec. */
export type DialogMethod = 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox';

/** Double → spec. */
export type DoubleMessage =
  | { type: 'window'; cdpUrl: string; url: string }
  | { type: 'dialog'; id: number; method: DialogMethod; options: unknown }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; message: string };

/** What main's side of the app looks like, for assertions. */
export interface DoubleState {
  titles: string[];
  recentDocuments: string[];
  /** Every Electron API call the double refused (not implemented): must stay empty. */
  refused: string[];
  sandboxEnabled: boolean;
  /** The Content-Security-Policy main adds to responses (asked through its onHeadersReceived). */
  contentSecurityPolicy: string | null;
  /** The webPreferences each window was created with. */
  webPreferences: Record<string, unknown>[];
}

/** Spec → double. */
export type SpecMessage =
  | { type: 'dialog.reply'; id: number; value: unknown }
  | { type: 'menu.click'; id: number; path: string[] }
  | { type: 'state'; id: number }
  /** Ends the engine's worker threads as a crash would (not an Electron API: a harness facility). */
  | { type: 'engine.crash'; id: number };
