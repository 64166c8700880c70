/**
 * Edit and View commands from Electron's native menu. The page's own keys
 * reach the editor directly (Editor.svelte); these arrive from main.
 */
import type { EditorState } from '../state/editor.svelte';

export type EditorMenuCommand = 'undo' | 'redo' | 'selectAll' | 'fitView' | 'help';

export function runEditorCommand(editor: EditorState, type: EditorMenuCommand): void {
  const active = typeof document === 'undefined' ? null : document.activeElement;
  // In a text field the menu's Undo, Redo and Select All act on the text, as everywhere else.
  if (active?.closest('input, textarea, [contenteditable="true"]') && type !== 'fitView' && type !== 'help') {
    document.execCommand(type);
    return;
  }
  if (editor.screen !== 'editor' && type !== 'help') return;
  const actions: Record<EditorMenuCommand, () => void> = {
    undo: () => editor.undo(),
    redo: () => editor.redo(),
    selectAll: () => editor.selectAll(),
    fitView: () => editor.viewport?.fitView(),
    help: () => (editor.helpOpen = !editor.helpOpen),
  };
  actions[type]();
}
