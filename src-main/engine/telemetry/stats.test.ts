/**
 * The two ways of computing the statistics — one kernel over the backend's
 * memory (cpu, wasm), tfjs ops on the others — give the same rows for the
 * same observations. (Both are checked against float64 finite differences
 * through the trainer in engine/reference; the op version is the one the
 * GPU backends run, which cannot run here, so it is compared on cpu/wasm.)
 */
import { describe, expect, it } from 'vitest';
import { LAYER_STAT_FIELDS, LAYER_STAT_STRIDE } from '../../../src-shared/telemetry';
import { initBackend, type BackendPreference } from '../backend/backend';
import { tf } from '../backend/tf';
import type { LayerObservation } from './observation';
import { computeLayerStats } from './stats';
import { statsImplementation } from './stats-kernel';

function observations(): LayerObservation[] {
  const grad = (shape: number[], scale: number, seed: number) =>
    tf.mul(
      tf.randomNormal(shape, 0, 1, 'float32', seed),
      tf.exp(tf.randomUniform(shape, -8, 0, 'float32', seed + 1)),
    );
  const dense = (units: number, seed: number, scale = 1) => ({
    weightGrad: tf.mul(grad([units, units], 1, seed), scale),
    weight: tf.randomNormal([units, units], 0, 0.1, 'float32', seed + 2),
    weightStep: tf.randomNormal([units, units], 0, 1e-3, 'float32', seed + 3),
    outputGrad: grad([32, units], 1, seed + 4),
  });
  return [
    {
      ...dense(16, 1),
      output: tf.sigmoid(tf.randomNormal([32, 16], 0, 8, 'float32', 10)),
      activation: 'sigmoid',
    },
    { ...dense(16, 2), output: tf.tanh(tf.randomNormal([32, 16], 0, 3, 'float32', 11)), activation: 'tanh' },
    // ReLU with whole units dead: the first 5 columns are ≤ 0 for every example.
    {
      ...dense(16, 3, 1e-20),
      output: tf.relu(tf.concat([tf.fill([32, 5], -1), tf.randomNormal([32, 11], 0, 1, 'float32', 12)], 1)),
      activation: 'relu',
    },
    // A convolution's output: units are the positions × channels.
    {
      weightGrad: grad([3, 3, 2, 4], 1, 4),
      weight: tf.randomNormal([3, 3, 2, 4], 0, 0.3, 'float32', 13),
      weightStep: tf.randomNormal([3, 3, 2, 4], 0, 1e-3, 'float32', 14),
      outputGrad: grad([32, 5, 5, 4], 1, 15),
      output: tf.relu(tf.randomNormal([32, 5, 5, 4], 0, 1, 'float32', 16)),
      activation: 'relu',
    },
    // No weights (an add), and a layer nothing downstream differentiates.
    { outputGrad: grad([32, 16], 1, 17), output: tf.randomNormal([32, 16], 3, 2, 'float32', 18) },
    { output: tf.randomNormal([32, 7], 0, 1, 'float32', 19) },
  ];
}

/** Equal to 1e-5 relative; a mean is compared relative to its layer's std (float32 ops sum less exactly). */
function expectSameRows(actual: Float32Array, expected: Float32Array) {
  expect(actual.length).toBe(expected.length);
  const meanAt = LAYER_STAT_FIELDS.indexOf('activationMean');
  const stdAt = LAYER_STAT_FIELDS.indexOf('activationStd');
  for (let i = 0; i < actual.length; i++) {
    const column = i % LAYER_STAT_STRIDE;
    const row = i - column;
    const where = `layer ${row / LAYER_STAT_STRIDE} ${LAYER_STAT_FIELDS[column] ?? `histogram bin ${column - LAYER_STAT_FIELDS.length}`}`;
    if (Number.isNaN(expected[i])) {
      expect(actual[i], where).toBeNaN();
      continue;
    }
    const scale = Math.abs(expected[i]) + (column === meanAt ? expected[row + stdAt] : 0);
    expect(Math.abs(actual[i] - expected[i]), where).toBeLessThanOrEqual(1e-5 * scale);
  }
}

describe.each<[BackendPreference, string]>([
  ['cpu', 'loops'],
  ['wasm', 'wasm-simd'],
])('layer statistics on %s', (backend, implementation) => {
  it(`use the ${implementation} kernel and agree with the op version`, async () => {
    await initBackend(backend);
    expect(statsImplementation()).toBe(implementation);
    tf.tidy(() => {
      const observed = observations();
      for (const stepIsScaledGradient of [undefined, tf.scalar(-0.05), -0.05]) {
        const kernel = computeLayerStats(observed, { stepIsScaledGradient }).dataSync() as Float32Array;
        const ops = computeLayerStats(observed, { stepIsScaledGradient }, 'ops').dataSync() as Float32Array;
        expectSameRows(kernel, ops);
      }
      // Leading values come first, then the same rows, from both methods.
      const leading = tf.tensor1d([1.5, NaN, -2]);
      const rows = computeLayerStats(observed).dataSync() as Float32Array;
      for (const method of ['auto', 'ops'] as const) {
        const withLeading = computeLayerStats(observed, { leading }, method).dataSync() as Float32Array;
        expect([...withLeading.slice(0, 3)]).toEqual([1.5, NaN, -2]);
        expectSameRows(withLeading.slice(3), rows);
      }
      const at = (layer: number, field: (typeof LAYER_STAT_FIELDS)[number]) =>
        rows[layer * LAYER_STAT_STRIDE + LAYER_STAT_FIELDS.indexOf(field)];
      // Sanity against what the observations were built to show.
      expect(at(2, 'deadFraction')).toBeGreaterThanOrEqual(5 / 16);
      expect(at(2, 'gradNorm')).toBeLessThan(1e-19);
      expect(at(2, 'gradNorm')).toBeGreaterThan(0);
      expect(at(0, 'saturatedFraction')).toBeGreaterThan(0.3);
      expect(at(4, 'gradNorm')).toBeNaN();
      expect(at(5, 'outGradNorm')).toBe(0);
    });
  });
});
