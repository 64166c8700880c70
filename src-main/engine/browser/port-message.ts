/** What the GPU page's preload posts to the page with the engine's MessagePort (gpu-page.ts). */
export const GPU_ENGINE_PORT_MESSAGE = 'backflow:gpu-engine.port';
