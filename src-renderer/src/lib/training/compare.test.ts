import { describe, expect, it } from 'vitest';
import { lutIndex, scalePosition, unionScale } from './colour-scale';
import { alignedRows, comparisonCaption, comparisonScale, smooth } from './compare';
import { RunDigest } from './run-digest';

/**
 * A kept run of `records` records over layers d1, flat (no weights: gradNorm
 * NaN) and out; `grad(r)` the weight-gradient norm of d1 and out at record r
 * (out 10× d1), `flatOut` the flatten's ∂L/∂output.
 */
function digest(records: number, grad: (r: number) => number, flatOut: number): RunDigest {
  const layers = [
    { id: 'd1', type: 'dense' as const },
    { id: 'flat', type: 'flatten' as const },
    { id: 'out', type: 'output' as const },
  ];
  const gradNorm = new Float32Array(records * 3);
  const outGradNorm = new Float32Array(records * 3);
  for (let r = 0; r < records; r++) {
    gradNorm.set([grad(r), NaN, 10 * grad(r)], r * 3);
    outGradNorm.set([grad(r), flatOut, grad(r)], r * 3);
  }
  const steps = Int32Array.from({ length: records }, (_, r) => r * 5);
  const none = new Float64Array(0);
  return new RunDigest(
    layers,
    steps,
    {
      gradNorm,
      outGradNorm,
      updateRatio: new Float32Array(records * 3).fill(1e-3),
      skipRatio: new Float32Array(records * 3).fill(NaN),
    },
    new Int32Array(0),
    none,
    none,
    [],
  );
}

describe('comparison', () => {
  it('aligns heatmap rows by layer id, a layer one run lacks placed where the other has it', () => {
    const plain = { layers: ['in', 'd1', 'd2', 'out'].map((id) => ({ id })) };
    const skip = { layers: ['in', 'd1', 'add1', 'd2', 'out'].map((id) => ({ id })) };
    const short = { layers: ['in', 'd1', 'out'].map((id) => ({ id })) };
    expect(alignedRows([plain, skip, short])).toEqual(['in', 'd1', 'add1', 'd2', 'out']);
    expect(alignedRows([short, plain])).toEqual(['in', 'd1', 'd2', 'out']);
  });

  it('smooths like TensorBoard: debiased, 0 is the raw curve, NaN skipped', () => {
    expect(Array.from(smooth([1, 2, 3], 3, 0))).toEqual([1, 2, 3]);
    // A constant stays constant from the first point (no pull towards 0).
    expect(Array.from(smooth([5, 5, 5], 3, 0.9)).map((v) => +v.toFixed(12))).toEqual([5, 5, 5]);
    const s = smooth([0, NaN, 10], 3, 0.5);
    expect(s[0]).toBe(0);
    expect(Number.isNaN(s[1])).toBe(true);
    // (0.5·0 + 0.5·10) / (1 − 0.5²) = 5 / 0.75
    expect(s[2]).toBeCloseTo(5 / 0.75, 12);
  });

  it('gives every compared run one colour scale that holds each run, weightless rows included', () => {
    const healthy = digest(20, () => 0.5, 0.2); // d1 0.5, out 5
    const vanishing = digest(20, () => 2e-6, 3e-9); // d1 2e-6, out 2e-5, flatten ∂L/∂out 3e-9
    const scale = comparisonScale([healthy, vanishing], 'gradNorm', 'first');
    if (!scale) throw new Error('no scale');
    // 3e-9 .. 5, widened to whole decades with one of room each side: 1e-10 .. 1e2.
    expect(scale).toEqual({ minDecade: -10, maxDecade: 2 });
    // The same value is the same colour in either column, and nothing of either run is clipped.
    for (const v of [3e-9, 2e-6, 2e-5, 0.5, 5]) {
      const position = scalePosition(scale, v);
      expect(position, String(v)).toBeGreaterThan(0);
      expect(position, String(v)).toBeLessThan(1);
    }
    expect(lutIndex(scale, 2e-6)).toBeLessThan(lutIndex(scale, 0.5));
    // Each run's own step-0 scale, even united, leaves the flatten's row out: it would be clipped to the darkest colour.
    const ownScales = unionScale(healthy.scales.gradNorm!, vanishing.scales.gradNorm!);
    expect(scalePosition(ownScales, 3e-9)).toBe(0);
  });

  it('takes the user’s scale mode: step K passes over an extreme first step, the window spans everything', () => {
    const extreme = digest(30, (r) => (r === 0 ? 100 : 1e-4), 1e-4);
    const calm = digest(30, () => 1e-3, 1e-3);
    expect(comparisonScale([extreme, calm], 'gradNorm', 'first')).toEqual({ minDecade: -5, maxDecade: 4 });
    expect(comparisonScale([extreme, calm], 'gradNorm', 'stepK')).toEqual({ minDecade: -5, maxDecade: -1 });
    expect(comparisonScale([extreme, calm], 'gradNorm', 'window')).toEqual({ minDecade: -5, maxDecade: 4 });
    expect(comparisonScale([], 'gradNorm', 'first')).toBeNull();
    expect(comparisonCaption([extreme, calm], 'stepK')).toBe(
      'one scale for all 2 runs, fixed at each one’s step K (step 50)',
    );
    expect(comparisonCaption([calm], 'first')).toBe('the run’s scale, fixed at its step 0');
  });
});
