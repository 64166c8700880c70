/**
 * Flow norms (merge layers' path and slice norms) computed by the statistics
 * kernel over the backend's memory and by tfjs ops (the GPU backends' way)
 * agree with each other and with a float64 sum over the values, including
 * slices of a middle axis, sums of several gradients, gradients near 1e-23
 * (whose float32 squares underflow) and a term that could not be measured.
 */
import { describe, expect, it } from 'vitest';
import { initBackend, type BackendPreference } from '../backend/backend';
import { tf } from '../backend/tf';
import type { FlowTerm } from './flow';
import { computeLayerStats } from './stats';

function float64Norm(term: FlowTerm): number {
  if (term.grads.length === 0) return NaN;
  const arrays = term.grads.map((g) => Float64Array.from(g.dataSync()));
  const shape = term.grads[0].shape;
  let sum = 0;
  arrays[0].forEach((_, k) => {
    if (term.slice) {
      const inner = shape.slice(term.slice.axis + 1).reduce((a, b) => a * b, 1);
      const at = Math.floor(k / inner) % shape[term.slice.axis];
      if (at < term.slice.begin || at >= term.slice.begin + term.slice.size) return;
    }
    const v = arrays.reduce((s, a) => s + a[k], 0);
    sum += v * v;
  });
  return Math.sqrt(sum);
}

describe.each<BackendPreference>(['cpu', 'wasm'])('flow norms (%s)', (backend) => {
  it('kernel and ops give the float64 norms', async () => {
    await initBackend(backend);
    tf.tidy(() => {
      const a = tf.randomNormal([8, 5], 0, 1, 'float32', 1);
      const b = tf.randomNormal([8, 5], 0, 1, 'float32', 2);
      const image = tf.randomNormal([2, 3, 4, 6], 0, 1, 'float32', 3);
      const tiny = tf.mul(tf.randomNormal([8, 5], 0, 1, 'float32', 4), 3e-23);
      const terms: FlowTerm[] = [
        { grads: [a] },
        { grads: [a, b] },
        { grads: [image], slice: { axis: 2, begin: 1, size: 2 } },
        { grads: [image], slice: { axis: 3, begin: 4, size: 2 } },
        { grads: [tiny] },
        { grads: [] },
      ];
      const observation = { output: a, outputGrad: b };
      const expected = terms.map(float64Norm);
      for (const method of ['auto', 'ops'] as const) {
        const result = computeLayerStats([observation], { flows: terms }, method).dataSync();
        const flows = Array.from(result.subarray(result.length - terms.length));
        flows.forEach((v, i) => {
          if (Number.isNaN(expected[i])) return expect(v, `${method} term ${i}`).toBeNaN();
          expect(
            Math.abs(v - expected[i]),
            `${method} term ${i}: ${v} vs ${expected[i]}`,
          ).toBeLessThanOrEqual(1e-5 * expected[i]);
        });
        expect(expected[4]).toBeGreaterThan(0);
      }
    });
  });
});
