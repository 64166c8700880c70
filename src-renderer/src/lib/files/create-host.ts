/** The one place the renderer picks its FileHost: Electron's when the preload provided it, else the browser's. */
import { createBrowserFileHost } from './browser-host';
import { createElectronFileHost, isFilesBridgeApi } from './electron-host';
import type { FileHost } from './host';

export function createFileHost(env: { backflow?: unknown } = globalThis as { backflow?: unknown }): FileHost {
  return isFilesBridgeApi(env.backflow) ? createElectronFileHost(env.backflow) : createBrowserFileHost();
}
