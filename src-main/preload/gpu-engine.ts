/**
 * The GPU engine window's preload: hands the MessagePort main sends to the
 * page (engine/browser/gpu-page.ts). Nothing is exposed to the page; the
 * port is all it gets. Sandboxed, so it imports only electron and shared modules.
 */
import { ipcRenderer } from 'electron';
import { GPU_ENGINE_PORT_CHANNEL, GPU_ENGINE_PORT_MESSAGE } from '../../src-shared/gpu-engine-port';

ipcRenderer.on(GPU_ENGINE_PORT_CHANNEL, (event) => {
  window.postMessage(GPU_ENGINE_PORT_MESSAGE, '*', event.ports);
});
