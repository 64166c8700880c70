/**
 * Fills heatmap pixels from telemetry: one pixel per (record, layer), the
 * canvas then scaled by CSS (tensorflow/playground's heatmap). Painting a
 * range of columns touches only those pixels, so appending a step costs
 * O(layers), whatever the run's length.
 */
import { LUT, MISSING_RGBA, lutIndex, type ColourScale } from './colour-scale';
import { rowFields } from './heatmap-rows';
import type { RunSeries } from './run-digest';
import type { HeatmapField, RunTelemetry } from './run-telemetry';

export interface PixelBuffer {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * Paints records [from, to) into columns [from − first, to − first): column x
 * shows record first + x, row y layer y (network order), each row in its own
 * quantity ({@link rowFields}: a weightless layer's ∂L/∂output on the
 * weight-gradient map).
 */
export function paintColumns(
  pixels: PixelBuffer,
  run: RunSeries,
  field: HeatmapField,
  scale: ColourScale,
  first: number,
  from: number,
  to: number,
): void {
  const { data, width, height } = pixels;
  const rows = Math.min(height, run.layerCount);
  const start = Math.max(from, first);
  const end = Math.min(to, run.count, first + width);
  const fields = rowFields(run, field);
  const mixed = fields.some((f) => f !== field);
  for (let r = start; r < end; r++) {
    const x = r - first;
    const column = run.column(field, r);
    for (let y = 0; y < rows; y++) {
      const i = lutIndex(scale, mixed ? run.value(fields[y], r, y) : column[y]);
      const p = (y * width + x) * 4;
      if (i < 0) {
        data[p] = MISSING_RGBA[0];
        data[p + 1] = MISSING_RGBA[1];
        data[p + 2] = MISSING_RGBA[2];
        data[p + 3] = MISSING_RGBA[3];
      } else {
        data[p] = LUT[i * 3];
        data[p + 1] = LUT[i * 3 + 1];
        data[p + 2] = LUT[i * 3 + 2];
        data[p + 3] = 255;
      }
    }
  }
}

/** Geometric mean of a layer's finite positive values over records [from, to); NaN when none. */
export function rowGeometricMean(
  run: RunTelemetry,
  field: HeatmapField,
  layer: number,
  from: number,
  to: number,
): number {
  let sum = 0;
  let n = 0;
  for (let r = Math.max(0, from); r < Math.min(to, run.count); r++) {
    const v = run.value(field, r, layer);
    if (v > 0 && Number.isFinite(v)) {
      sum += Math.log10(v);
      n++;
    }
  }
  return n ? 10 ** (sum / n) : NaN;
}
