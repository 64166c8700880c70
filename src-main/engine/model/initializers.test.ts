/**
 * Seeded initialisation: the same seed gives bit-identical weights on every
 * backend and in every run, and each initializer has the variance its
 * definition promises (checked on large draws against the closed forms).
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src-shared/graph';
import { initBackend } from '../backend/backend';
import { mlpDesign } from '../test-support';
import { initializeKernel } from './initializers';
import { buildNetwork, snapshotWeights } from './network';

function stats(values: Float32Array) {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, variance, max: values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
}

describe('initializers', () => {
  it('give bit-identical weights on the CPU and WASM backends for one seed, different ones for another', async () => {
    const design = mlpDesign({ layers: 3, units: 16, activation: 'tanh', initializer: 'heNormal' });
    const analysis = analyzeGraph(design.graph, { outputUnits: 3, dataInputShape: [2] });
    const snapshot = async (backend: 'cpu' | 'wasm', seed: number) => {
      await initBackend(backend);
      const network = buildNetwork(design, analysis, seed);
      const weights = [...snapshotWeights(network)].map(([key, w]) => [key, Array.from(w.values)]);
      network.dispose();
      return weights;
    };
    const cpu = await snapshot('cpu', 5);
    expect(await snapshot('wasm', 5)).toEqual(cpu);
    expect(await snapshot('wasm', 6)).not.toEqual(cpu);
  });

  const fanIn = 400;
  const fanOut = 200;
  const cases: [string, object, number][] = [
    ['standardUniform', { name: 'standardUniform' }, 1 / (3 * fanIn)],
    ['glorotUniform', { name: 'glorotUniform' }, 2 / (fanIn + fanOut)],
    ['glorotNormal', { name: 'glorotNormal' }, 2 / (fanIn + fanOut)],
    ['heUniform', { name: 'heUniform' }, 2 / fanIn],
    ['heNormal', { name: 'heNormal' }, 2 / fanIn],
    ['lecunUniform', { name: 'lecunUniform' }, 1 / fanIn],
    ['lecunNormal', { name: 'lecunNormal' }, 1 / fanIn],
    ['randomNormal(0.3)', { name: 'randomNormal', stddev: 0.3 }, 0.09],
    ['randomUniform(0.3)', { name: 'randomUniform', limit: 0.3 }, 0.03],
  ];
  for (const [name, spec, variance] of cases) {
    it(`${name} has variance ${variance.toExponential(2)} for fan_in ${fanIn}, fan_out ${fanOut}`, () => {
      const s = stats(initializeKernel(spec as never, [fanIn, fanOut], 11));
      expect(Math.abs(s.mean)).toBeLessThan(0.02 * Math.sqrt(variance) * 10);
      expect(s.variance / variance).toBeGreaterThan(0.97);
      expect(s.variance / variance).toBeLessThan(1.03);
    });
  }

  it('orthogonal gives WᵀW = gain² I, and zeros gives zeros', () => {
    const rows = 40;
    const cols = 30;
    const w = initializeKernel({ name: 'orthogonal', gain: 2 }, [rows, cols], 3);
    for (let a = 0; a < cols; a++) {
      for (let b = 0; b < cols; b++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += w[r * cols + a] * w[r * cols + b];
        expect(dot).toBeCloseTo(a === b ? 4 : 0, 4);
      }
    }
    expect(initializeKernel({ name: 'zeros' }, [3, 3], 1).every((v) => v === 0)).toBe(true);
  });

  it('truncates the normal variants at two standard deviations', () => {
    const limit = 2 * (Math.sqrt(2 / fanIn) / 0.8796256610342398);
    expect(stats(initializeKernel({ name: 'heNormal' }, [fanIn, fanOut], 2)).max).toBeLessThanOrEqual(
      limit * (1 + 1e-6),
    );
  });
});
