/**
 * How the GPU engine's page gets its MessagePort: main posts it on
 * {@link GPU_ENGINE_PORT_CHANNEL} to the hidden window, whose sandboxed
 * preload (src-main/preload/gpu-engine.ts) passes it to the page with
 * `window.postMessage(GPU_ENGINE_PORT_MESSAGE, '*', ports)`; the page
 * (engine/browser/gpu-page.ts) starts the engine on it.
 */
export const GPU_ENGINE_PORT_CHANNEL = 'backflow:gpu-engine.port';
export const GPU_ENGINE_PORT_MESSAGE = 'backflow:gpu-engine.port';
