/**
 * The logarithmic colour scale shared by the heatmap, its legend, the node
 * tint and the PNG export. A scale is fixed once computed (per run, or per
 * window the user chooses): rescaling to an all-time min/max as values arrive
 * would make a healthy run look as if its early layers faded.
 */

/** A scale over whole decades: colours run from 10^minDecade (dark) to 10^maxDecade (bright). */
export interface ColourScale {
  minDecade: number;
  maxDecade: number;
}

/** RGBA for values with no meaning (a layer without weights, null statistics). */
export const MISSING_RGBA = [128, 128, 128, 40] as const;

// Viridis stops (dark violet → blue → green → yellow): perceptually even and readable when printed grey.
const STOPS: readonly [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

const LUT_SIZE = 256;
/** 256 RGB triples, built once. */
export const LUT: Uint8Array = (() => {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = (i / (LUT_SIZE - 1)) * (STOPS.length - 1);
    const k = Math.min(STOPS.length - 2, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(STOPS[k][c] * (1 - f) + STOPS[k + 1][c] * f);
  }
  return lut;
})();

/**
 * A scale spanning every finite positive value in `values`, widened to whole
 * decades with one decade of room each side (later steps may drift a little
 * without clipping), at least `minSpan` decades wide. Zeros, negatives and
 * NaN are skipped; with nothing to go on the default is 10^-8 … 10^1.
 */
export function scaleFromValues(values: ArrayLike<number>, minSpan = 3): ColourScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return { minDecade: -8, maxDecade: 1 };
  // The tolerance keeps a float32 1e-6 (0.99999997e-6) in the decade it means.
  let minDecade = Math.floor(Math.log10(lo) + 1e-6) - 1;
  let maxDecade = Math.ceil(Math.log10(hi) - 1e-6) + 1;
  while (maxDecade - minDecade < minSpan) {
    minDecade -= 1;
    if (maxDecade - minDecade < minSpan) maxDecade += 1;
  }
  return { minDecade, maxDecade };
}

/** The smallest scale covering both (A/B heatmaps side by side must share one scale). */
export function unionScale(a: ColourScale, b: ColourScale): ColourScale {
  return { minDecade: Math.min(a.minDecade, b.minDecade), maxDecade: Math.max(a.maxDecade, b.maxDecade) };
}

/**
 * Position of a value on the scale, 0…1, clamped; NaN for values that have no
 * logarithm (NaN, ≤ 0 is mapped to 0: a zero gradient is as vanished as it gets).
 */
export function scalePosition(scale: ColourScale, value: number): number {
  if (Number.isNaN(value)) return NaN;
  if (value <= 0) return 0;
  if (value === Infinity) return 1;
  const t = (Math.log10(value) - scale.minDecade) / (scale.maxDecade - scale.minDecade);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** Index into {@link LUT} (0…255) for a value, or -1 when it is missing. */
export function lutIndex(scale: ColourScale, value: number): number {
  const t = scalePosition(scale, value);
  return Number.isNaN(t) ? -1 : Math.round(t * (LUT_SIZE - 1));
}

/** The CSS colour of a value, for tints and legends; undefined when missing. */
export function cssColour(scale: ColourScale, value: number): string | undefined {
  const i = lutIndex(scale, value);
  if (i < 0) return undefined;
  return `rgb(${LUT[i * 3]} ${LUT[i * 3 + 1]} ${LUT[i * 3 + 2]})`;
}

/** The legend's ticks: one per decade, lowest first, labelled `1e-6`. */
export function decadeTicks(
  scale: ColourScale,
  maxTicks = 12,
): { decade: number; label: string; position: number }[] {
  const span = scale.maxDecade - scale.minDecade;
  const step = Math.max(1, Math.ceil(span / (maxTicks - 1)));
  const ticks = [];
  for (let d = scale.minDecade; d <= scale.maxDecade; d += step) {
    ticks.push({ decade: d, label: `1e${d}`, position: (d - scale.minDecade) / span });
  }
  return ticks;
}

/** A value as the tooltip and CSV show it: 3 significant digits, exponent form when far from 1. */
export function formatValue(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1e-2 && abs < 1e4 ? value.toPrecision(3) : value.toExponential(2);
}
