/**
 * The editor's keyboard shortcuts, with the platform's conventions: Cmd on
 * macOS, Ctrl elsewhere. The table is src-shared/keymap.ts, which also gives
 * the desktop menu its accelerators, so key handling, menus and the help
 * overlay cannot disagree.
 */
import {
  commandForKey,
  displayKeysOn,
  EDITOR_COMMANDS,
  FILE_COMMANDS,
  KEYMAP,
  type EditorCommand,
  type KeyBinding,
  type KeyLike,
} from '../../../src-shared/keymap';

export type Command = EditorCommand;

/** A shortcut as the help overlay lists it. */
export type Shortcut = KeyBinding;

/** The editor's shortcuts, from the one keymap (copy and paste arrive as clipboard events). */
export const SHORTCUTS: readonly Shortcut[] = KEYMAP.filter(
  (binding) => !(FILE_COMMANDS as readonly string[]).includes(binding.command),
);

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
export const displayKeys = (keys: string): string => displayKeysOn(keys, isMac());

/** The editor command a key press stands for, or undefined. */
export function commandFor(event: KeyLike, mac = isMac()): Command | undefined {
  return commandForKey(event, mac, EDITOR_COMMANDS);
}

/** True when the key press belongs to a text field, not to the canvas. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).closest !== 'function') return false;
  const el = target as HTMLElement;
  return !!el.closest('input, textarea, select, [contenteditable="true"]');
}
