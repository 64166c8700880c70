/**
 * Typed context pairs: the editor state is created once by the app and handed
 * down, so no component reaches for a module-level singleton.
 */
import { createContext } from 'svelte';
import type { DesignStore } from './design-store.svelte';
import type { EditorState } from './editor.svelte';

export const [getEditor, setEditor] = createContext<EditorState>();
export const [getDesign, setDesign] = createContext<DesignStore>();
