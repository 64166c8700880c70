/** The file session and File → Export / Import, created once by the app and handed down (conventions 12). */
import { createContext } from 'svelte';
import type { ModelFiles } from './model-files.svelte';
import type { FileSession } from './session.svelte';

export const [getFiles, setFiles] = createContext<FileSession>();
export const [getModelFiles, setModelFiles] = createContext<ModelFiles>();
