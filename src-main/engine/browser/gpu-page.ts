/**
 * The GPU engine page's script (index.html beside it). Its window is never
 * shown; main sends one end of a MessageChannel, which the sandboxed preload
 * passes on with `window.postMessage(PORT_MESSAGE, '*', ports)`, and the
 * engine starts on it. Nothing else on the page listens.
 */
import '@tensorflow/tfjs-backend-webgpu'; // registers `webgpu`: navigator.gpu exists in this page
import { GPU_ENGINE_PORT_MESSAGE } from '../../../src-shared/gpu-engine-port';
import { startGpuEngine } from './gpu-engine';

let started = false;
window.addEventListener('message', (event: MessageEvent) => {
  // Only the first port counts: a page script that came later cannot take the engine over.
  if (started || event.data !== GPU_ENGINE_PORT_MESSAGE || event.ports.length !== 1) return;
  if (event.source !== window) return;
  started = true;
  startGpuEngine(event.ports[0], () => event.ports[0].close());
});
