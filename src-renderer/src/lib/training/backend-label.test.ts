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

  it('says "Auto" and how the engine chooses before any run', () => {
    const label = backendLabel(null);
    expect(label.chip).toBe('Auto');
    expect(label.tooltip).toContain('WebAssembly');
  });
});
