/**
 * The dense layer on WASM, where its three products run in gemm.wat
 * (heap-products.ts: the forward product with the bias and a fused ReLU, dx =
 * dz·Wᵀ by a transposed copy of W, dW = xᵀ·dz read through strides), against
 * the same layer written with tfjs's stock ops on the cpu backend, output and
 * gradients, for every activation the kernel fuses and for sizes that reach
 * the products' tails (rows not a multiple of four, columns not of eight).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activation } from '../../../src-shared/layers/activations';
import { initBackend } from '../backend/backend';
import { tf } from '../backend/tf';
import { applyActivation } from './activations';
import { dense } from './dense';
import { heapProductPays, matMulOnHeap } from './heap-products';

function values(shape: number[], seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

type Layer = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** The output and ∂(Σ y · weights)/∂x, ∂W, ∂b: an arbitrary linear loss, so dy is not uniform. */
function run(layer: Layer, [batch, units, out]: number[]) {
  const x = tf.tensor2d(values([batch, units], 1), [batch, units]);
  const w = tf.tensor2d(values([units, out], 2), [units, out]);
  const b = tf.tensor1d(values([out], 3));
  const y = layer(x, w, b);
  const weights = tf.tensor(values(y.shape, 4), y.shape);
  const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
    tf.sum(tf.mul(layer(a, c, d), weights)),
  )([x, w, b]);
  const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());
  const result = { y: read(y), dx: read(grads[0]), dw: read(grads[1]), db: read(grads[2]) };
  tf.dispose([x, w, b, y, weights, ...grads]);
  return result;
}

const stock =
  (activation: Activation): Layer =>
  (x, w, b) =>
    applyActivation(activation, tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b), 0.2);

const SHAPES = [
  [64, 64, 64],
  [30, 13, 21],
  [5, 2, 3],
];

describe.each(['linear', 'relu', 'sigmoid', 'elu', 'leakyRelu'] as Activation[])(
  'a %s dense layer on WASM',
  (activation) => {
    const expected = new Map<string, ReturnType<typeof run>>();
    beforeAll(async () => {
      await initBackend('cpu');
      for (const shape of SHAPES) expected.set(`${shape}`, run(stock(activation), shape));
      await initBackend('wasm');
    });
    afterAll(async () => {
      await initBackend('wasm');
    });

    it.each(SHAPES)('matches tfjs’s stock ops on cpu, %i×%i → %i', (...shape) => {
      const got = run((x, w, b) => dense(x, w, b, activation, 0.2), shape);
      const want = expected.get(`${shape}`)!;
      for (const key of ['y', 'dx', 'dw', 'db'] as const) {
        const scale = Math.max(1, ...Array.from(want[key], Math.abs));
        const worst = Math.max(...Array.from(got[key], (v, i) => Math.abs(v - want[key][i])));
        expect(worst / scale, key).toBeLessThan(1e-5);
      }
    });
  },
);

describe('products on the heap', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('run a layer’s products in gemm.wat, with no Transpose op, and its bias gradient with dz', async () => {
    expect(heapProductPays(64, 64, 64)).toBe(true);
    const profile = await tf.profile(() => {
      run((x, w, b) => dense(x, w, b, 'sigmoid', 0), [8, 16, 8]);
    });
    const kernels = profile.kernelNames;
    expect(kernels).toContain('BackflowMatMul');
    expect(kernels).not.toContain('Transpose');
    expect(kernels).not.toContain('BatchMatMul');
    expect(kernels).not.toContain('_FusedMatMul');
    // The bias's gradient comes with the activation's, from the same op.
    expect(kernels).toContain('BackflowActivationGrad');
    expect(kernels).not.toContain('BackflowChannelSums');
  });

  it('multiply transposed operands as tf.matMul does', () => {
    const a = tf.tensor2d(values([7, 9], 5), [7, 9]);
    const b = tf.tensor2d(values([11, 9], 6), [11, 9]);
    const got = matMulOnHeap(a, b, { transposeB: true })!;
    const want = tf.matMul(a, tf.transpose(b));
    expect(got.shape).toEqual([7, 11]);
    const diff = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0];
    expect(diff).toBeLessThan(1e-6);
    const gotTA = matMulOnHeap(a, want, { transposeA: true })!;
    const wantTA = tf.matMul(tf.transpose(a), want);
    expect(tf.max(tf.abs(tf.sub(gotTA, wantTA))).dataSync()[0]).toBeLessThan(1e-6);
    expect(() => matMulOnHeap(a, b, {})).toThrow(/shared dimension/);
    tf.dispose([a, b, got, want, gotTA, wantTA]);
  });

  it('leave other backends to tfjs', async () => {
    await initBackend('cpu');
    try {
      expect(heapProductPays(64, 64, 64)).toBe(false);
    } finally {
      await initBackend('wasm');
    }
  });
});
