/**
 * Closed-form checks on width-1 sigmoid chains, where backpropagation can be
 * written by hand: with h_i = σ(z_i), z_i = w_i·h_{i−1} + b_i and one example,
 * ∂L/∂h_i = ∂L/∂h_{i+1} · w_{i+1} · σ'(z_{i+1}). The weights are the engine's
 * own initial weights (snapshotWeights), so nothing here depends on the reference.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendPreference } from '../backend/backend';
import { chainDesign, engineStep, tinyData } from './harness';
import { sigmoid } from './ops';

/** A chain in → d1 … dk (1 sigmoid unit each) → out (MSE) on the single example x = 0.8, y = 0.3. */
async function sigmoidChain(k: number) {
  const hidden = Array.from(
    { length: k },
    (_, i) => [`d${i + 1}`, 'dense', { units: 1, activation: 'sigmoid' }] as const,
  );
  const design = chainDesign(1, ['in', 'input', { shape: [1] }], ...hidden, [
    'out',
    'output',
    { loss: 'meanSquaredError' },
  ]);
  const data = tinyData({ n: 1, inputShape: [1], outputUnits: 1, task: 'regression' });
  data.train.x[0] = 0.8;
  data.train.y[0] = 0.3;
  const { record, weights } = await engineStep(design, data);
  const w = (id: string) => weights.get(`${id}/kernel`)!.values[0];
  const b = (id: string) => weights.get(`${id}/bias`)!.values[0];
  // Forward by hand in float64: z[i] and h[i] for layer d(i+1); h[-1] is the input.
  const z: number[] = [];
  const h: number[] = [];
  let previous = 0.8;
  for (let i = 1; i <= k; i++) {
    z.push(w(`d${i}`) * previous + b(`d${i}`));
    previous = sigmoid(z[i - 1]);
    h.push(previous);
  }
  const layer = (id: string) => record.layers.find((l) => l.id === id)!;
  const dsigmoid = (i: number) => h[i - 1] * (1 - h[i - 1]);
  return { record, w, z, h, layer, dsigmoid };
}

describe.each<BackendPreference>(['cpu', 'wasm'])('closed-form sigmoid chains (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('outGradNorm shrinks by |w·σ′(z)| per layer, and gradNorm = |∂L/∂h|·σ′(z)·|h_prev|', async () => {
    const k = 5;
    const { w, h, layer, dsigmoid } = await sigmoidChain(k);
    // The output layer is linear: ∂L/∂h_k = ∂L/∂logit · w_out.
    expect(layer(`d${k}`).outGradNorm / layer('out').outGradNorm).toBeCloseTo(Math.abs(w('out')), 5);
    for (let i = 1; i < k; i++) {
      const ratio = layer(`d${i}`).outGradNorm / layer(`d${i + 1}`).outGradNorm;
      const expected = Math.abs(w(`d${i + 1}`) * dsigmoid(i + 1));
      expect(Math.abs(ratio - expected)).toBeLessThan(1e-4 * expected);
    }
    for (let i = 1; i <= k; i++) {
      const input = i === 1 ? 0.8 : h[i - 2];
      const expected = layer(`d${i}`).outGradNorm * dsigmoid(i) * Math.abs(input);
      expect(Math.abs(layer(`d${i}`).gradNorm! - expected)).toBeLessThan(1e-4 * expected);
    }
  });

  it('a 10-layer sigmoid chain attenuates by less than 0.25⁹ · Π|w| from last to first', async () => {
    const { w, layer } = await sigmoidChain(10);
    let product = 1;
    for (let i = 2; i <= 10; i++) product *= Math.abs(w(`d${i}`));
    const ratio = layer('d1').outGradNorm / layer('d10').outGradNorm;
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(0.25 ** 9 * product);
  });
});
