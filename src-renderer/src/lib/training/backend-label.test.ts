import { describe, expect, it } from 'vitest';
import { backendLabel } from './backend-label';

describe('backendLabel', () => {
  it('names library and device in the chip and every refused candidate with its reason in the tooltip', () => {
    const label = backendLabel({
      name: 'wasm',
      variant: 'wasm',
      attempts: [
        { candidate: 'tensorflow-gpu', ok: false, reason: 'tfjs-node-gpu is not installed' },
        { candidate: 'tensorflow', ok: false, reason: 'tfjs-node is not installed' },
        { candidate: 'wasm', ok: true },
      ],
    });
    expect(label.chip).toBe('WASM · CPU');
    expect(label.tooltip.split('\n')).toEqual([
      'Training on WebAssembly on the CPU.',
      'Not used:',
      '• tensorflow-gpu: tfjs-node-gpu is not installed',
      '• tensorflow: tfjs-node is not installed',
    ]);
  });

  it('tells the GPU variant of native TensorFlow from its CPU one', () => {
    const gpu = { name: 'tensorflow' as const, variant: 'tensorflow-gpu', attempts: [] };
    expect(backendLabel(gpu).chip).toBe('TF · GPU');
    expect(backendLabel({ ...gpu, variant: 'tensorflow' }).chip).toBe('TF · CPU');
    expect(backendLabel(gpu).tooltip).not.toContain('Not used');
  });

  it('names the WebGPU adapter and says how auto chose for the design', () => {
    const label = backendLabel({
      name: 'webgpu',
      variant: 'webgpu',
      device: 'nvidia ampere (NVIDIA GeForce RTX 3060)',
      why: 'fastest for this design: webgpu 120 ms/step against wasm 850 ms',
      attempts: [{ candidate: 'webgpu', ok: true }],
    });
    expect(label.chip).toBe('WebGPU · GPU');
    expect(label.tooltip.split('\n')).toEqual([
      'Training on the GPU through WebGPU (nvidia ampere (NVIDIA GeForce RTX 3060)).',
      'Auto: fastest for this design: webgpu 120 ms/step against wasm 850 ms.',
    ]);
  });

  it('says why auto stayed on the CPU, software adapter included', () => {
    const label = backendLabel({
      name: 'wasm',
      variant: 'wasm',
      why: 'no GPU to time against wasm',
      attempts: [
        { candidate: 'wasm', ok: true },
        {
          candidate: 'webgpu',
          ok: false,
          reason: 'software adapter (google swiftshader, software): only --backend webgpu uses it',
        },
      ],
    });
    expect(label.chip).toBe('WASM · CPU');
    expect(label.tooltip).toContain('Auto: no GPU to time against wasm.');
    expect(label.tooltip).toContain('• webgpu: software adapter');
  });

  it('counts the threads WebAssembly trains on when it uses more than one', () => {
    const report = {
      name: 'wasm' as const,
      variant: 'wasm',
      why: "no GPU to time against wasm; 2 threads for this design: 61 ms/step against 1 thread's 83 ms",
      attempts: [{ candidate: 'wasm', ok: true }],
    };
    const two = backendLabel({ ...report, threads: 2 });
    expect(two.chip).toBe('WASM · CPU ×2');
    expect(two.tooltip.split('\n')).toEqual([
      'Training on WebAssembly on the CPU, 2 threads.',
      "Auto: no GPU to time against wasm; 2 threads for this design: 61 ms/step against 1 thread's 83 ms.",
    ]);
    expect(backendLabel({ ...report, threads: 1 }).chip).toBe('WASM · CPU');
  });

  it('says "Auto" and how the engine chooses before any run', () => {
    const label = backendLabel(null);
    expect(label.chip).toBe('Auto');
    expect(label.tooltip).toContain('WebAssembly');
  });
});
