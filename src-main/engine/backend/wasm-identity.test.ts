/**
 * On WASM, tf.clone (the Identity kernel, which tfjs runs on every tensor a
 * gradient saves) shares the data instead of copying it, and each tensor
 * still owns its reference: disposing one leaves the other readable.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { tf } from './tf';

describe('Identity on the wasm backend', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('shares the data: a clone takes no memory, and outlives its source', () => {
    const buffersBefore = tf.memory().numDataBuffers;
    const source = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const clone = tf.clone(source);
    expect(clone.dataId).toBe(source.dataId);
    // A copy would be a second buffer on the heap.
    expect(tf.memory().numDataBuffers).toBe(buffersBefore + 1);
    source.dispose();
    expect(Array.from(clone.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(clone.shape).toEqual([2, 3]);
    clone.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
  });

  it('keeps saved tensors alive through a gradient (what the clone is for)', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const grad = tf.grad((t) => tf.sum(tf.mul(tf.relu(t), t)))(x);
    // d/dt relu(t)·t = 2t for t > 0, 0 otherwise.
    expect(Array.from(grad.dataSync())).toEqual([1, 0, 4]);
    x.dispose();
    grad.dispose();
  });
});
