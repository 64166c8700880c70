/**
 * Keyboard shortcuts, with the platform's conventions: Cmd on macOS, Ctrl
 * elsewhere. One table drives both the key handling and the help overlay, so
 * the overlay never lists a shortcut that does not work.
 */

export type Command =
  | 'undo'
  | 'redo'
  | 'delete'
  | 'copy'
  | 'paste'
  | 'duplicate'
  | 'selectAll'
  | 'fitView'
  | 'autoLayout'
  | 'help'
  | 'escape';

export interface Shortcut {
  command: Command;
  /** Keys as shown in the help overlay; `Mod` is Ctrl or ⌘. */
  keys: string[];
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { command: 'undo', keys: ['Mod+Z'], description: 'Undo' },
  { command: 'redo', keys: ['Mod+Shift+Z', 'Mod+Y'], description: 'Redo' },
  { command: 'delete', keys: ['Delete', 'Backspace'], description: 'Delete the selection' },
  { command: 'copy', keys: ['Mod+C'], description: 'Copy the selected layers (as JSON)' },
  { command: 'paste', keys: ['Mod+V'], description: 'Paste layers' },
  { command: 'duplicate', keys: ['Mod+D'], description: 'Duplicate the selected layers' },
  { command: 'selectAll', keys: ['Mod+A'], description: 'Select every layer' },
  { command: 'fitView', keys: ['F'], description: 'Fit the network in view' },
  { command: 'autoLayout', keys: ['L'], description: 'Auto-layout' },
  { command: 'help', keys: ['?'], description: 'Show or hide this help' },
  { command: 'escape', keys: ['Escape'], description: 'Close help, clear the selection' },
];

/** Mouse and canvas gestures, for the help overlay. */
export const GESTURES: readonly { keys: string; description: string }[] = [
  { keys: 'Drag from the palette', description: 'Add a layer where you drop it' },
  { keys: 'Double-click / Enter on a palette item', description: 'Add it after the selected layer' },
  { keys: 'Drag from a right handle to a left handle', description: 'Connect two layers' },
  { keys: 'Shift+drag on the canvas', description: 'Select with a box' },
  { keys: 'Shift+click', description: 'Add to the selection' },
  { keys: 'Drag the canvas / scroll', description: 'Pan / zoom' },
  { keys: 'Arrow keys', description: 'Move the selected layers' },
];

export const isMac = (): boolean =>
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** `Mod+Z` as this platform writes it. */
export function displayKeys(keys: string): string {
  return isMac() ? keys.replace('Mod+', '⌘').replace('Shift+', '⇧') : keys.replace('Mod', 'Ctrl');
}

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The command a key press stands for, or undefined. Copy and paste go through clipboard events instead. */
export function commandFor(event: KeyLike, mac = isMac()): Command | undefined {
  const mod = mac ? event.metaKey : event.ctrlKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (event.altKey) return undefined;
  if (mod) {
    if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !mac) return 'redo';
    if (key === 'd') return 'duplicate';
    if (key === 'a') return 'selectAll';
    return undefined;
  }
  if (event.ctrlKey || event.metaKey) return undefined;
  if (key === 'Delete' || key === 'Backspace') return 'delete';
  if (key === 'f') return 'fitView';
  if (key === 'l') return 'autoLayout';
  if (key === '?') return 'help';
  if (key === 'Escape') return 'escape';
  return undefined;
}

/** True when the key press belongs to a text field, not to the canvas. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).closest !== 'function') return false;
  const el = target as HTMLElement;
  return !!el.closest('input, textarea, select, [contenteditable="true"]');
}
