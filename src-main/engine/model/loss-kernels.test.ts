/**
 * The softmax cross-entropy, its gradient and the accuracy as kernels on WASM's
 * heap (loss-kernels.ts) against the op chains they replace (loss.ts), run on
 * the cpu backend: values and gradients within float32 rounding, the same NaN
 * where a logit is NaN or ±∞, ties in the accuracy's argmax broken alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend';
import { tf } from '../backend/tf';
import { randomValues } from '../wat-test-support';
import { accuracy, computeLoss } from './loss';

type Case = [string, number[], number[]];

function oneHot(batch: number, classes: number, seed: number): number[] {
  const picks = randomValues(batch, seed);
  return Array.from({ length: batch * classes }, (_, i) =>
    Math.floor(((picks[Math.floor(i / classes)] + 1) / 2) * classes) === i % classes ? 1 : 0,
  );
}

const batch = 7;
const classes = 5;
const logits = Array.from(randomValues(batch * classes, 3), (v) => v * 8);
const CASES: Case[] = [
  ['random logits', logits, oneHot(batch, classes, 4)],
  ['large logits (the max subtracted)', logits.map((v) => v * 40 + 500), oneHot(batch, classes, 5)],
  // Every row's logits tied: both argmaxes take the first class, right for the 5 rows of class 0.
  [
    'ties',
    Array.from({ length: batch * classes }, () => 1.5),
    Array.from({ length: batch * classes }, (_, i) =>
      i % classes === (i < 5 * classes ? 0 : classes - 1) ? 1 : 0,
    ),
  ],
  ['a NaN logit', logits.map((v, i) => (i === 12 ? NaN : v)), oneHot(batch, classes, 4)],
  ['a +∞ logit', logits.map((v, i) => (i === 3 ? Infinity : v)), oneHot(batch, classes, 4)],
  ['a −∞ logit', logits.map((v, i) => (i === 8 ? -Infinity : v)), oneHot(batch, classes, 4)],
];

/** Loss, ∂loss/∂z (with an upstream gradient of 3, so dy is not 1) and accuracy. */
function measure(z: number[], y: number[]) {
  const zs = tf.tensor2d(z, [batch, classes]);
  const ys = tf.tensor2d(y, [batch, classes]);
  const { value, grad } = tf.valueAndGrad((t: tf.Tensor) =>
    tf.mul(computeLoss('softmaxCrossEntropy', t, ys), 3),
  )(zs);
  const acc = accuracy(zs, ys);
  const result = {
    loss: value.dataSync()[0],
    grad: Array.from(grad.dataSync()),
    accuracy: acc.dataSync()[0],
  };
  tf.dispose([zs, ys, value, grad, acc]);
  return result;
}

describe.each(CASES)('softmax cross-entropy on WASM: %s', (_, z, y) => {
  let expected: ReturnType<typeof measure>;
  beforeAll(async () => {
    await initBackend('cpu');
    expected = measure(z, y);
    await initBackend('wasm');
  });
  afterAll(async () => {
    await initBackend('wasm');
  });

  it('matches the op chain on cpu: loss, gradient and accuracy', async () => {
    const profile = await tf.profile(() => void measure(z, y));
    expect(profile.kernelNames).toEqual(
      expect.arrayContaining([
        'BackflowSoftmaxCrossEntropy',
        'BackflowSoftmaxCrossEntropyGrad',
        'BackflowAccuracy',
      ]),
    );
    expect(profile.kernelNames).not.toContain('ArgMax');
    const got = measure(z, y);
    const close = (a: number, b: number) =>
      Object.is(a, b) || Math.abs(a - b) <= 2e-6 * Math.max(1, Math.abs(b));
    expect(close(got.loss, expected.loss), `loss ${got.loss} against ${expected.loss}`).toBe(true);
    got.grad.forEach((g, i) =>
      expect(close(g, expected.grad[i]), `∂/∂z[${i}] ${g} against ${expected.grad[i]}`).toBe(true),
    );
    expect(got.accuracy).toBe(expected.accuracy);
  });
});
