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

/**
 * Chromium does not enable WebGPU on Linux yet (Windows and macOS have it): there it takes
 * `--enable-unsafe-webgpu` and Vulkan, which also moves Chromium's own drawing to Vulkan,
 * still experimental there. So the desktop app asks for them only when the user does, with
 * `BACKFLOW_WEBGPU=1`; without, its runs stay on the CPU on Linux (the command line and
 * `serve` have Dawn's WebGPU there).
 */
export function webGpuSwitches(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): [string, string?][] {
  if (platform !== 'linux' || env.BACKFLOW_WEBGPU !== '1') return [];
  return [['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']];
}
