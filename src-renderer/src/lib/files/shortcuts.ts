/**
 * File shortcuts (Ctrl/⌘+N, O, S, Shift+S, E, I), from the one keymap in
 * src-shared/keymap.ts, which the desktop menu's accelerators also read. In
 * Electron the page handles the keys itself (and stops them), so each press
 * acts once. Browsers keep Ctrl+N for a new window.
 */
import { commandForKey, FILE_COMMANDS, type KeyLike } from '../../../../src-shared/keymap';
import type { FileAction } from './session.svelte';

/** The file action a key press stands for, or undefined. */
export function fileActionFor(event: KeyLike, mac: boolean): FileAction | undefined {
  return commandForKey(event, mac, FILE_COMMANDS) satisfies FileAction | undefined;
}
