/** Chromium's GPU feature status, read for "is a GPU page worth opening?". */
import { describe, expect, it } from 'vitest';
import { noChromiumGpu, webGpuSwitches } from './gpu-feature';

describe('noChromiumGpu', () => {
  it('trusts the webgpu entry where Chromium gives one', () => {
    expect(noChromiumGpu({ webgpu: 'enabled', gpu_compositing: 'enabled' })).toBeUndefined();
    expect(noChromiumGpu({ webgpu: 'enabled_on' })).toBeUndefined();
    expect(noChromiumGpu({ webgpu: 'unavailable_off', gpu_compositing: 'enabled' })).toBe(
      "Chromium's WebGPU is unavailable_off",
    );
    expect(noChromiumGpu({ webgpu: 'disabled_software' })).toMatch(/disabled_software/);
  });

  it('falls back to GPU compositing, and asks the page when it cannot tell', () => {
    expect(noChromiumGpu({ gpu_compositing: 'disabled_software' })).toMatch(/no GPU acceleration/);
    expect(noChromiumGpu({ gpu_compositing: 'enabled' })).toBeUndefined();
    expect(noChromiumGpu({})).toBeUndefined();
  });

  it('asks Chromium for WebGPU on Linux only when the user does', () => {
    expect(webGpuSwitches('linux', {})).toEqual([]);
    expect(webGpuSwitches('win32', { BACKFLOW_WEBGPU: '1' })).toEqual([]);
    expect(webGpuSwitches('linux', { BACKFLOW_WEBGPU: '1' })).toEqual([
      ['enable-unsafe-webgpu'],
      ['enable-features', 'Vulkan'],
    ]);
  });
});
