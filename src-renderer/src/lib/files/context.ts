/** The file session, created once by the app and handed down (conventions 12). */
import { createContext } from 'svelte';
import type { FileSession } from './session.svelte';

export const [getFiles, setFiles] = createContext<FileSession>();
