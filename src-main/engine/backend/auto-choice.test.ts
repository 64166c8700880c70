import { describe, expect, it } from 'vitest';
import { chooseFastest, GPU_MARGIN } from './auto-choice';

describe('chooseFastest (auto, with injected timings)', () => {
  it('keeps a tiny MLP on the CPU when the GPU is slower', () => {
    const decision = chooseFastest([
      { candidate: 'wasm', msPerStep: 2.1 },
      { candidate: 'webgpu', msPerStep: 14 },
    ]);
    expect(decision).toEqual({
      candidate: 'wasm',
      why: 'fastest for this design: wasm 2.1 ms/step against webgpu 14 ms',
    });
  });

  it('moves a CNN to the GPU when it is clearly faster', () => {
    const decision = chooseFastest([
      { candidate: 'wasm', msPerStep: 850 },
      { candidate: 'webgpu', msPerStep: 120 },
    ]);
    expect(decision).toEqual({
      candidate: 'webgpu',
      why: 'fastest for this design: webgpu 120 ms/step against wasm 850 ms',
    });
  });

  it('stays on the CPU when the GPU is faster only by noise', () => {
    // Just above the margin: not chosen; at it: chosen.
    expect(
      chooseFastest([
        { candidate: 'wasm', msPerStep: 100 },
        { candidate: 'webgpu', msPerStep: 91 },
      ]).candidate,
    ).toBe('wasm');
    expect(
      chooseFastest([
        { candidate: 'wasm', msPerStep: 100 },
        { candidate: 'webgpu', msPerStep: 100 * GPU_MARGIN },
      ]).candidate,
    ).toBe('webgpu');
  });

  it('says why a candidate that failed its trial was not used', () => {
    const decision = chooseFastest([
      { candidate: 'wasm', msPerStep: 40 },
      { candidate: 'webgpu', failed: 'External buffers are not allowed' },
    ]);
    expect(decision).toEqual({
      candidate: 'wasm',
      why: 'fastest for this design: wasm 40 ms/step; webgpu failed: External buffers are not allowed',
    });
  });

  it('takes the GPU when the CPU default failed, and the CPU when nothing could be timed', () => {
    expect(
      chooseFastest([
        { candidate: 'wasm', failed: 'out of memory' },
        { candidate: 'webgpu', msPerStep: 300 },
      ]),
    ).toEqual({ candidate: 'webgpu', why: 'webgpu: 300 ms/step (wasm failed: out of memory)' });
    expect(
      chooseFastest([
        { candidate: 'wasm', failed: 'a' },
        { candidate: 'webgpu', failed: 'b' },
      ]),
    ).toEqual({ candidate: 'wasm', why: 'no candidate could be timed; webgpu failed: b' });
  });

  it('picks the fastest of several GPUs', () => {
    const decision = chooseFastest([
      { candidate: 'wasm', msPerStep: 500 },
      { candidate: 'webgpu', msPerStep: 90 },
      { candidate: 'tensorflow-gpu', msPerStep: 30 },
    ]);
    expect(decision.candidate).toBe('tensorflow-gpu');
  });
});
