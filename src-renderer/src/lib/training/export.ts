/**
 * Exports: the heatmap as a PNG a person can read (cells enlarged without
 * smoothing, layer names, the decade legend) and files handed to the
 * browser's download (Electron shows its save dialog for them).
 */
import { decadeTicks, LUT, type ColourScale } from './colour-scale';
import { paintColumns } from './heatmap-paint';
import type { RunSeries } from './run-digest';
import { FIELD_LABELS, type HeatmapField } from './run-telemetry';

/** Saves `blob` under `name` through the browser's download. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file-name-safe stem from a design name. */
export function fileStem(name: string): string {
  return (
    name
      .trim()
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'backflow'
  );
}

/** Draws records [from, to) of `run` with labels and legend; resolves to a PNG. */
export function heatmapPng(
  run: RunSeries,
  field: HeatmapField,
  scale: ColourScale,
  from = 0,
  to = run.count,
): Promise<Blob> {
  const cols = Math.max(1, to - from);
  const rows = run.layerCount;
  const data = document.createElement('canvas');
  data.width = cols;
  data.height = rows;
  const dctx = data.getContext('2d');
  if (!dctx) return Promise.reject(new Error('no 2-D canvas'));
  const pixels = dctx.createImageData(cols, rows);
  paintColumns(pixels, run, field, scale, from, from, to);
  dctx.putImageData(pixels, 0, 0);

  const left = 90;
  const top = 28;
  const plotW = Math.max(600, Math.min(cols * 4, 2400));
  const rowH = Math.max(4, Math.min(18, Math.floor(600 / rows)));
  const plotH = rows * rowH;
  const out = document.createElement('canvas');
  out.width = left + plotW + 20;
  out.height = top + plotH + 70;
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.reject(new Error('no 2-D canvas'));
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(data, left, top, plotW, plotH);
  ctx.fillStyle = '#1d2430';
  ctx.font = '13px sans-serif';
  ctx.fillText(
    `${FIELD_LABELS[field]} — steps ${run.recordSteps[from] ?? 0}–${run.recordSteps[to - 1] ?? 0}`,
    left,
    18,
  );
  ctx.font = '10px sans-serif';
  ctx.textAlign = 'right';
  const every = Math.ceil(12 / rowH);
  run.layers.forEach((layer, i) => {
    if (i % every === 0) ctx.fillText(layer.id, left - 6, top + i * rowH + rowH / 2 + 3);
  });
  const legendY = top + plotH + 24;
  const legendW = Math.min(plotW, 400);
  for (let x = 0; x < legendW; x++) {
    const k = Math.round((x / (legendW - 1)) * 255) * 3;
    ctx.fillStyle = `rgb(${LUT[k]},${LUT[k + 1]},${LUT[k + 2]})`;
    ctx.fillRect(left + x, legendY, 1, 10);
  }
  ctx.fillStyle = '#1d2430';
  ctx.textAlign = 'center';
  for (const tick of decadeTicks(scale))
    ctx.fillText(`1e${tick.decade}`, left + tick.position * legendW, legendY + 24);
  return new Promise((resolve, reject) =>
    out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}
