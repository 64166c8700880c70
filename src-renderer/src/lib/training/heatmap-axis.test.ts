import { describe, expect, it } from 'vitest';
import { MAX_ROW_PX, MIN_ROW_PX, niceSpacing, rowLayout, stepTicks } from './heatmap-axis';

describe('stepTicks', () => {
  it('puts round steps at the middle of their columns', () => {
    // 100 columns for steps 1…100.
    const ticks = stepTicks(100, (c) => c + 1, 6);
    expect(ticks.map((t) => t.step)).toEqual([20, 40, 60, 80, 100]);
    expect(ticks[0].position).toBeCloseTo(19.5 / 100);
    expect(ticks.at(-1)!.position).toBeCloseTo(99.5 / 100);
  });

  it('follows the steps records really hold, when some were skipped', () => {
    // Records at steps 0, 5, 10, …, 95, but step 50 was dropped (a gap).
    const steps = Array.from({ length: 20 }, (_, i) => i * 5).filter((s) => s !== 50);
    const ticks = stepTicks(steps.length, (c) => steps[c], 5);
    // Spacing 50 for a span of 95 with at most 5 ticks → 0 and 50; 50 lands on the next record (55).
    expect(ticks.map((t) => t.step)).toEqual([0, 55]);
    expect(ticks[1].position).toBeCloseTo((steps.indexOf(55) + 0.5) / steps.length);
  });

  it('never gives more ticks than asked, nor the same step twice', () => {
    for (const columns of [1, 2, 3, 7, 50, 999]) {
      const ticks = stepTicks(columns, (c) => c * 3, 7);
      expect(ticks.length).toBeLessThanOrEqual(7);
      expect(new Set(ticks.map((t) => t.step)).size).toBe(ticks.length);
      for (const t of ticks) expect(t.position).toBeGreaterThan(0);
      for (const t of ticks) expect(t.position).toBeLessThan(1);
    }
    expect(stepTicks(0, (c) => c)).toEqual([]);
  });

  it('spaces ticks at 1, 2 or 5 times a power of ten', () => {
    expect(niceSpacing(100, 6)).toBe(20);
    expect(niceSpacing(1000, 11)).toBe(100);
    expect(niceSpacing(7, 8)).toBe(1);
    expect(niceSpacing(240, 5)).toBe(100);
  });
});

describe('rowLayout', () => {
  it('keeps every label legible at 60 layers by scrolling', () => {
    const layout = rowLayout(60, 280);
    expect(layout.rowPx).toBe(MIN_ROW_PX);
    expect(layout.height).toBe(60 * MIN_ROW_PX);
    expect(layout.scrolls).toBe(true);
  });

  it('fills the room with fewer rows, up to a most', () => {
    expect(rowLayout(20, 280)).toEqual({ rowPx: 14, height: 280, scrolls: false });
    expect(rowLayout(3, 280)).toEqual({ rowPx: MAX_ROW_PX, height: 3 * MAX_ROW_PX, scrolls: false });
  });
});
