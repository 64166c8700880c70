/**
 * The convolution's gradients the engine computes on WASM (fast-ops.ts,
 * windows.ts: the filter gradient as a product for 1–4 input channels, as a
 * convolution with the batch as channels and the padding inside Conv2D for
 * more, the stride as the filter's dilation) against tfjs's stock gradients
 * on the cpu backend, which computes them directly from the definition. The
 * reference networks' convolutions all have few input channels, so the
 * many-channel path is checked here, strided and padded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend';
import { tf } from '../backend/tf';
import { conv2dFast, type ConvOptions } from './fast-ops';

type Case = [string, number[], number[], ConvOptions];

const CASES: Case[] = [
  ['1 channel, 3×3, stride 1, same', [2, 7, 6, 1], [3, 3, 1, 4], { strides: [1, 1], padding: 'same' }],
  ['3 channels, 3×2, stride 2, same', [2, 9, 8, 3], [3, 2, 3, 5], { strides: [2, 2], padding: 'same' }],
  ['6 channels, 3×3, stride 1, same', [3, 8, 7, 6], [3, 3, 6, 4], { strides: [1, 1], padding: 'same' }],
  ['6 channels, 3×3, stride 2, same', [2, 9, 10, 6], [3, 3, 6, 5], { strides: [2, 2], padding: 'same' }],
  ['8 channels, 3×3, stride 2, valid', [2, 11, 9, 8], [3, 3, 8, 3], { strides: [2, 2], padding: 'valid' }],
  ['7 channels, 2×3, strides 1×2, valid', [2, 6, 9, 7], [2, 3, 7, 4], { strides: [1, 2], padding: 'valid' }],
];

function values(shape: number[], seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

/** ∂(Σ conv(x, w) · weights)/∂x and /∂w: an arbitrary linear loss, so dy is not uniform. */
function gradients(conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor, xShape: number[], wShape: number[]) {
  const x = tf.tensor4d(values(xShape, 1), xShape as [number, number, number, number]);
  const w = tf.tensor4d(values(wShape, 2), wShape as [number, number, number, number]);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
    const y = conv(a as tf.Tensor4D, b as tf.Tensor4D);
    return tf.sum(tf.mul(y, tf.tensor(values(y.shape, 3), y.shape)));
  })([x, w]);
  const result = { dx: Float32Array.from(dx.dataSync()), dw: Float32Array.from(dw.dataSync()) };
  tf.dispose([x, w, dx, dw]);
  return result;
}

describe.each(CASES)('convolution gradients on WASM: %s', (_, xShape, wShape, options) => {
  let expected: { dx: Float32Array; dw: Float32Array };
  beforeAll(async () => {
    await initBackend('cpu');
    expected = gradients((x, w) => tf.conv2d(x, w, options.strides, options.padding), xShape, wShape);
    await initBackend('wasm');
  });
  afterAll(async () => {
    await initBackend('wasm');
  });

  it('match the stock gradients computed on the cpu backend', () => {
    const got = gradients((x, w) => conv2dFast(x, w, options), xShape, wShape);
    for (const [name, a, b] of [
      ['input', got.dx, expected.dx],
      ['filter', got.dw, expected.dw],
    ] as const) {
      expect(a.length, name).toBe(b.length);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `${name} ${i}`).toBeLessThan(1e-5);
    }
  });
});
