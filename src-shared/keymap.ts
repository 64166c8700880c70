/**
 * Every keyboard shortcut of the app, declared once (VS Code's keybinding
 * registry): the page's key handling, the desktop app's menu accelerators and
 * the help overlay all read this table, so they cannot disagree. Keys are
 * written `Mod+Shift+Z`: `Mod` is ⌘ on macOS and Ctrl elsewhere.
 */

/** Editor commands (the canvas and its history). */
export const EDITOR_COMMANDS = [
  'undo',
  'redo',
  'delete',
  'duplicate',
  'selectAll',
  'fitView',
  'autoLayout',
  'help',
  'escape',
] as const;
export type EditorCommand = (typeof EDITOR_COMMANDS)[number];

/** File commands (the document). */
export const FILE_COMMANDS = ['new', 'open', 'save', 'saveAs', 'export', 'import'] as const;
export type FileCommand = (typeof FILE_COMMANDS)[number];

/** Commands whose keys the page leaves to the browser's clipboard events; listed for the overlay. */
export type ClipboardCommand = 'copy' | 'paste';

export type KeyCommand = EditorCommand | FileCommand | ClipboardCommand;

export interface KeyBinding {
  command: KeyCommand;
  /** The first is the one menus show as the accelerator. */
  keys: readonly string[];
  description: string;
  /** Keys that exist on one platform only (Ctrl+Y redoes on Windows and Linux, not on macOS). */
  notMac?: readonly string[];
}

export const KEYMAP: readonly KeyBinding[] = [
  { command: 'new', keys: ['Mod+N'], description: 'New design' },
  { command: 'open', keys: ['Mod+O'], description: 'Open a design file' },
  { command: 'save', keys: ['Mod+S'], description: 'Save' },
  { command: 'saveAs', keys: ['Mod+Shift+S'], description: 'Save as a new file' },
  { command: 'export', keys: ['Mod+E'], description: 'Export as TensorFlow.js, Keras or PyTorch' },
  { command: 'import', keys: ['Mod+I'], description: 'Import a TensorFlow.js or Keras model' },
  { command: 'undo', keys: ['Mod+Z'], description: 'Undo' },
  { command: 'redo', keys: ['Mod+Shift+Z', 'Mod+Y'], notMac: ['Mod+Y'], description: 'Redo' },
  { command: 'delete', keys: ['Delete', 'Backspace'], description: 'Delete the selection' },
  { command: 'copy', keys: ['Mod+C'], description: 'Copy the selected layers (as JSON)' },
  { command: 'paste', keys: ['Mod+V'], description: 'Paste layers' },
  { command: 'duplicate', keys: ['Mod+D'], description: 'Duplicate the selected layers' },
  { command: 'selectAll', keys: ['Mod+A'], description: 'Select every layer' },
  { command: 'fitView', keys: ['F'], description: 'Fit the network in view' },
  { command: 'autoLayout', keys: ['L'], description: 'Auto-layout' },
  // Mod+/ first: a menu accelerator of a bare `?` would fire while typing in a field.
  { command: 'help', keys: ['Mod+/', '?'], description: 'Show or hide this help' },
  { command: 'escape', keys: ['Escape'], description: 'Close help, clear the selection' },
];

/** The parts of a key event the matcher reads. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

interface Chord {
  mod: boolean;
  shift: boolean;
  key: string;
}

function parse(keys: string): Chord {
  const parts = keys.split('+');
  // `Mod+/` splits cleanly; a lone `+` key would not, and none is bound.
  const key = parts[parts.length - 1];
  return { mod: parts.includes('Mod'), shift: parts.includes('Shift'), key };
}

/** A single printable character that is not a letter: typing it may need Shift (`?`), so Shift is not compared. */
const shiftFree = (key: string) => key.length === 1 && key.toLowerCase() === key.toUpperCase();

/** The keys of `binding` on this platform. */
export function keysOn(binding: KeyBinding, mac: boolean): readonly string[] {
  return mac ? binding.keys.filter((keys) => !binding.notMac?.includes(keys)) : binding.keys;
}

/**
 * The command a key press stands for, among `commands`, or undefined. The
 * modifiers must be exactly the binding's: the platform's Mod and not the
 * other one, Shift as written (except for shifted symbols such as `?`), never Alt.
 */
export function commandForKey<C extends KeyCommand>(
  event: KeyLike,
  mac: boolean,
  commands: readonly C[],
): C | undefined {
  if (event.altKey) return undefined;
  const mod = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  const other = mac ? event.ctrlKey : event.metaKey;
  if (other && !mod) return undefined;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  for (const binding of KEYMAP) {
    if (!(commands as readonly KeyCommand[]).includes(binding.command)) continue;
    for (const keys of keysOn(binding, mac)) {
      const chord = parse(keys);
      const sameKey = chord.key.length === 1 ? chord.key.toLowerCase() === key : chord.key === key;
      if (!sameKey || chord.mod !== mod) continue;
      if (!shiftFree(chord.key) && chord.shift !== event.shiftKey) continue;
      return binding.command as C;
    }
  }
  return undefined;
}

/** The binding of `command`. */
export function bindingOf(command: KeyCommand): KeyBinding {
  const binding = KEYMAP.find((b) => b.command === command);
  if (!binding) throw new Error(`no key binding for ${command}`);
  return binding;
}

/** Electron's accelerator for `command`'s first keys (`Mod+Shift+S` → `CmdOrCtrl+Shift+S`). */
export function acceleratorFor(command: KeyCommand): string {
  return bindingOf(command).keys[0].replace('Mod', 'CmdOrCtrl');
}

/** `Mod+Z` as a platform writes it: `⌘Z` on macOS, `Ctrl+Z` elsewhere. */
export function displayKeysOn(keys: string, mac: boolean): string {
  return mac ? keys.replace('Mod+', '⌘').replace('Shift+', '⇧') : keys.replace('Mod', 'Ctrl');
}
