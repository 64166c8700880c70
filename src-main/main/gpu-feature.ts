/**
 * Whether Chromium has a GPU for WebGPU at all, from its GPU feature status
 * (what chrome://gpu shows; Electron's `app.getGPUFeatureStatus()`), so that
 * on a machine without one the app never opens the hidden GPU engine window
 * (a renderer process and a TensorFlow.js bundle) only to hear "no adapter".
 * Chromium reports `webgpu` where it knows it; where not, composition in
 * software means there is no usable GPU. Anything else is worth asking the page.
 */
export function noChromiumGpu(status: Record<string, string | undefined>): string | undefined {
  const webgpu = status.webgpu;
  if (webgpu !== undefined)
    return webgpu.startsWith('enabled') ? undefined : `Chromium's WebGPU is ${webgpu}`;
  const compositing = status.gpu_compositing;
  if (compositing !== undefined && !compositing.startsWith('enabled'))
    return `Chromium has no GPU acceleration (GPU compositing: ${compositing})`;
  return undefined;
}
