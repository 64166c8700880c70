/** What the frame benchmarks share: their command-line numbers and the summary of frame intervals. */

/** `--name N` from the command line, else `fallback`. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface Stats {
  frames: number;
  median: number;
  p95: number;
  max: number;
  fps: number;
  /** Frames longer than two display frames at 60 Hz. */
  over33: number;
}

/** Summary of requestAnimationFrame intervals (ms). */
export function stats(deltas: number[]): Stats {
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const total = deltas.reduce((a, b) => a + b, 0);
  return {
    frames: deltas.length,
    median: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1] ?? NaN,
    fps: deltas.length / (total / 1000),
    over33: deltas.filter((d) => d > 33.4).length,
  };
}
