/**
 * The heatmap's geometry that is not pixels: where the step axis puts its
 * ticks, and how tall a row must be for every layer's label to be read.
 */

export interface AxisTick {
  step: number;
  /** 0…1 across the plot: the middle of the tick's column. */
  position: number;
}

/** A "nice" tick spacing (1, 2 or 5 × 10^k) giving at most `maxTicks` ticks over `span`. */
export function niceSpacing(span: number, maxTicks: number): number {
  const raw = Math.max(span, 1) / Math.max(1, maxTicks - 1);
  const decade = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * decade >= raw) return Math.max(1, m * decade);
  return Math.max(1, 10 * decade);
}

/**
 * Ticks for `columns` columns whose steps `stepOf(column)` rise with the
 * column (records can skip steps: telemetry every K, a dropped record): round
 * steps at a nice spacing, each placed at the first column that reaches it.
 */
export function stepTicks(columns: number, stepOf: (column: number) => number, maxTicks = 7): AxisTick[] {
  if (columns < 1) return [];
  const first = stepOf(0);
  const last = stepOf(columns - 1);
  const spacing = niceSpacing(last - first, maxTicks);
  const ticks: AxisTick[] = [];
  for (let step = Math.ceil(first / spacing) * spacing; step <= last; step += spacing) {
    // The first column whose step is at least `step` (binary search: steps rise).
    let lo = 0;
    let hi = columns - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (stepOf(mid) >= step) hi = mid;
      else lo = mid + 1;
    }
    ticks.push({ step: stepOf(lo), position: (lo + 0.5) / columns });
  }
  return ticks.filter((t, i) => i === 0 || t.step !== ticks[i - 1].step);
}

/** Smallest row in CSS pixels that still carries a legible label (0.7rem type). */
export const MIN_ROW_PX = 13;
/** Rows never grow past this: a 3-layer net should not fill the dock with three bands. */
export const MAX_ROW_PX = 22;

export interface RowLayout {
  /** Height of one row, CSS pixels. */
  rowPx: number;
  /** Height of all rows together. */
  height: number;
  /** True when the rows are taller than `maxHeight`: the map scrolls, and every label stays readable. */
  scrolls: boolean;
}

/**
 * Rows fill `maxHeight` when they can; past the point where a label would
 * shrink under {@link MIN_ROW_PX} they keep that height and the map scrolls
 * (60 layers in 280 px: 60 rows of 13 px in a scrolling box), instead of
 * hiding every other label.
 */
export function rowLayout(rows: number, maxHeight: number): RowLayout {
  if (rows < 1) return { rowPx: MAX_ROW_PX, height: 0, scrolls: false };
  const rowPx = Math.min(MAX_ROW_PX, Math.max(MIN_ROW_PX, Math.floor(maxHeight / rows)));
  const height = rows * rowPx;
  return { rowPx, height, scrolls: height > maxHeight };
}
