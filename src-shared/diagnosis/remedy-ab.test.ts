/**
 * The A/B evidence behind the first remedy: the deep sigmoid run and the same
 * design after "Swap sigmoid → ReLU + He init", both recorded with the CLI
 * (fixtures/README.md).
 */
import { describe, expect, it } from 'vitest';
import { serializeDesign } from '../design/serialize';
import { diagnose } from './diagnose';
import { loadRun } from './fixtures';
import { median, medianRatio, runWindow } from './stats';

const before = loadRun('vanishing-sigmoid');
const after = loadRun('vanishing-sigmoid-relu-he');

/** d1's weight-gradient norm over d10's: at init, and the median over the recent window. */
function firstOverLast(records: typeof before.records): { init: number; recent: number } {
  const window = runWindow(records);
  if (!window) throw new Error('no records');
  return {
    init: medianRatio([window.init], 'd1', 'd10', 'gradNorm'),
    recent: medianRatio(window.recent, 'd1', 'd10', 'gradNorm'),
  };
}

describe('swap to ReLU + He init on the deep sigmoid network', () => {
  it('the recorded "after" design is exactly what the vanishing finding’s first remedy produces', () => {
    const finding = diagnose(before.records, { design: before.design }).find((f) => f.kind === 'vanishing');
    const remedy = finding?.remedies[0];
    expect(remedy?.label).toBe('Swap sigmoid → ReLU + He init');
    const applied = remedy?.apply(before.design);
    if (!applied) throw new Error('no remedy');
    const named = { ...applied, name: after.design.name, description: after.design.description };
    expect(serializeDesign(named)).toBe(serializeDesign(after.design));
  });

  it('gives the first layer a far larger share of the gradient, at init and while training', () => {
    const sigmoid = firstOverLast(before.records);
    const relu = firstOverLast(after.records);
    expect(sigmoid.init).toBeLessThan(1e-6);
    expect(sigmoid.recent).toBeLessThan(1e-6);
    expect(relu.init).toBeGreaterThan(0.1);
    expect(relu.recent).toBeGreaterThan(0.1);
    expect(relu.recent / sigmoid.recent).toBeGreaterThan(1e5);
  });

  it('and the loss leaves the ln 3 plateau', () => {
    const recentLoss = (records: typeof before.records) =>
      median(runWindow(records)?.recent.map((r) => r.loss) ?? []);
    expect(recentLoss(before.records)).toBeGreaterThan(1.05);
    expect(recentLoss(after.records)).toBeLessThan(0.6);
  });
});
