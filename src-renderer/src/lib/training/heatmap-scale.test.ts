import { describe, expect, it } from 'vitest';
import { LAYER_STAT_FIELDS, LAYER_STAT_STRIDE, type LayerInfo } from '../../../../src-shared/telemetry';
import { lutIndex, scalePosition } from './colour-scale';
import { rowFields } from './heatmap-rows';
import { modeScale, recordK, scaleCaption, sharedScale, SCALE_K_RECORD } from './heatmap-scale';
import { RunTelemetry } from './run-telemetry';

const layers: LayerInfo[] = [
  { id: 'd1', type: 'dense' },
  { id: 'flat', type: 'flatten' },
  { id: 'out', type: 'output' },
];

/** One record: gradNorm per layer (NaN for the flatten), outGradNorm per layer. */
function push(run: RunTelemetry, step: number, grad: number[], outGrad: number[]) {
  const stats = new Float32Array(layers.length * LAYER_STAT_STRIDE).fill(NaN);
  layers.forEach((_, l) => {
    stats[l * LAYER_STAT_STRIDE + LAYER_STAT_FIELDS.indexOf('gradNorm')] = grad[l];
    stats[l * LAYER_STAT_STRIDE + LAYER_STAT_FIELDS.indexOf('outGradNorm')] = outGrad[l];
  });
  run.pushStep({ step, epoch: 0, loss: 1, accuracy: null, stats });
}

/** An MNIST-like run: a huge first step (1e2), then gradients near 1e-4 that drift slowly. */
function extremeFirstStep(records = 40): RunTelemetry {
  const run = new RunTelemetry(1, layers, records, records);
  push(run, 0, [1e2, NaN, 3e2], [5e1, 8e1, 1e2]);
  for (let s = 1; s < records; s++) {
    const drift = 1 + s / records;
    push(run, s, [1e-4 * drift, NaN, 3e-4 * drift], [2e-4, 4e-4, 5e-4]);
  }
  return run;
}

describe('rowFields', () => {
  it('gives a weightless layer its ∂L/∂output on the weight-gradient map, and nothing else', () => {
    const run = extremeFirstStep(3);
    expect(rowFields(run, 'gradNorm')).toEqual(['gradNorm', 'outGradNorm', 'gradNorm']);
    expect(rowFields(run, 'updateRatio')).toEqual(['updateRatio', 'updateRatio', 'updateRatio']);
    expect(rowFields(run, 'outGradNorm')).toEqual(['outGradNorm', 'outGradNorm', 'outGradNorm']);
  });
});

describe('modeScale', () => {
  it('fixed at step 0 leaves an extreme first step one colour later on; step K keeps the rows apart', () => {
    const run = extremeFirstStep();
    const late = run.count - 1;
    const colours = (scale: NonNullable<ReturnType<typeof modeScale>>) =>
      [0, 2].map((l) => lutIndex(scale, run.value('gradNorm', late, l)));

    const first = modeScale(run, 'gradNorm', 'first', null)!;
    // Every later value is below the step-0 scale: clipped to the same, darkest colour.
    expect(colours(first)).toEqual([0, 0]);

    const k = modeScale(run, 'gradNorm', 'stepK', null)!;
    const [d1, out] = colours(k);
    expect(d1).toBeGreaterThan(0);
    expect(out).toBeGreaterThan(d1); // 3× larger gradient, a visibly different colour
    expect(out).toBeLessThan(255);
  });

  it('reads the weightless row through its ∂L/∂output', () => {
    const run = new RunTelemetry(1, layers, 2, 2);
    // The flatten's ∂L/∂output (1e-9) is far below every weight gradient: the scale must reach it.
    push(run, 0, [1e-2, NaN, 1e-2], [1e-2, 1e-9, 1e-2]);
    const scale = modeScale(run, 'gradNorm', 'first', null)!;
    expect(scale.minDecade).toBeLessThanOrEqual(-9);
    expect(scalePosition(scale, 1e-9)).toBeGreaterThan(0);
  });

  it('"this window" spans what is in view, and only that', () => {
    const run = extremeFirstStep();
    const whole = modeScale(run, 'gradNorm', 'window', null)!;
    expect(whole.maxDecade).toBeGreaterThanOrEqual(3); // holds step 0's 3e2
    const later = modeScale(run, 'gradNorm', 'window', { from: 5, to: 20 })!;
    expect(later.maxDecade).toBeLessThanOrEqual(-1);
    expect(later.minDecade).toBeLessThanOrEqual(-5);
  });

  it('step K is the latest record until record K arrives, then stays there', () => {
    const run = new RunTelemetry(1, layers, 100, 100);
    expect(modeScale(run, 'gradNorm', 'stepK', null)).toBeNull();
    push(run, 0, [1e-3, NaN, 1e-3], [1, 1, 1]);
    expect(recordK(run)).toBe(0);
    for (let s = 1; s <= SCALE_K_RECORD + 5; s++) push(run, s, [1e-3, NaN, 1e-3], [1, 1, 1]);
    expect(recordK(run)).toBe(SCALE_K_RECORD);
  });

  it('A and B share one scale that holds both', () => {
    const a = extremeFirstStep();
    const b = new RunTelemetry(2, layers, 2, 2);
    push(b, 0, [1e-8, NaN, 1e-8], [1e-8, 1e-8, 1e-8]);
    const shared = sharedScale([a, b], 'gradNorm', 'first', null)!;
    expect(shared.minDecade).toBeLessThanOrEqual(-9);
    expect(shared.maxDecade).toBeGreaterThanOrEqual(3);
  });
});

describe('scaleCaption', () => {
  it('names the step the scale is fixed at, or the steps in view', () => {
    const run = extremeFirstStep();
    expect(scaleCaption(run, 'first', null)).toBe('fixed at step 0');
    expect(scaleCaption(run, 'stepK', null)).toBe(`fixed at step ${SCALE_K_RECORD}`);
    expect(scaleCaption(run, 'window', { from: 5, to: 20 })).toBe('fitted to steps 5–19 in view');
    expect(scaleCaption(run, 'window', null)).toBe('fitted to steps 0–39 in view');
    const young = extremeFirstStep(4);
    expect(scaleCaption(young, 'stepK', null)).toBe('fixed at step 3 (provisional: K is not reached yet)');
  });
});
