/**
 * File shortcuts: Ctrl/⌘+N, O, S, Shift+S, E (Export…) and I (Import…). In
 * Electron the native menu shows the same accelerators; the page handles the
 * keys itself (and stops them), so each press acts once. Browsers keep
 * Ctrl+N for a new window.
 */
import type { FileAction } from './session.svelte';

export const FILE_SHORTCUTS: readonly { action: FileAction; keys: string; description: string }[] = [
  { action: 'new', keys: 'Mod+N', description: 'New design' },
  { action: 'open', keys: 'Mod+O', description: 'Open a design file' },
  { action: 'save', keys: 'Mod+S', description: 'Save' },
  { action: 'saveAs', keys: 'Mod+Shift+S', description: 'Save as a new file' },
  { action: 'export', keys: 'Mod+E', description: 'Export as TensorFlow.js, Keras or PyTorch' },
  { action: 'import', keys: 'Mod+I', description: 'Import a TensorFlow.js or Keras model' },
];

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The file action a key press stands for, or undefined. */
export function fileActionFor(event: KeyLike, mac: boolean): FileAction | undefined {
  const mod = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!mod || event.altKey) return undefined;
  const key = event.key.toLowerCase();
  if (key === 's') return event.shiftKey ? 'saveAs' : 'save';
  if (event.shiftKey) return undefined;
  if (key === 'o') return 'open';
  if (key === 'n') return 'new';
  if (key === 'e') return 'export';
  if (key === 'i') return 'import';
  return undefined;
}
