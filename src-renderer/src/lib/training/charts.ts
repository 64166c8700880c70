/**
 * Chart.js set-up and the series the charts read. A series is a view over a
 * run's typed arrays: a chart keeps how many points it has taken and, at each
 * flush, appends only the new ones (Chart.js re-reads the same arrays, which
 * it never sees replaced).
 */
import type { Plugin } from 'chart.js';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { RunTelemetry } from './run-telemetry';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  CategoryScale,
  BarController,
  BarElement,
  Legend,
  Tooltip,
  Decimation,
);

/** Set while a chart is updated or built by {@link updateWithoutDrawing}. */
let drawingHeld = false;

/** Cancels the drawing Chart.js does at the end of every update while {@link updateWithoutDrawing} runs. */
const holdDrawing: Plugin = { id: 'holdDrawing', beforeRender: () => !drawingHeld };
Chart.register(holdDrawing);

/**
 * Runs `update` (a chart's update(), or building one) without the drawing
 * Chart.js does at its end; the caller draws with render() in another frame.
 * Laying out axes and elements, then drawing, took 4–12 ms together for a
 * line chart or 100 bars while training; split, each part fits in a frame
 * beside the rest of the view's work (frame-scheduler.ts).
 */
export function updateWithoutDrawing<T>(update: () => T): T {
  drawingHeld = true;
  try {
    return update();
  } finally {
    drawingHeld = false;
  }
}

export { Chart };

export interface Point {
  x: number;
  y: number;
}

/** A growing list of points; `key` changes when it starts over (a new run). */
export interface Series {
  key: string;
  label: string;
  colour: string;
  dashed?: boolean;
  length(): number;
  point(i: number): Point | null;
}

export const COLOURS = { train: '#2563eb', validation: '#ea580c', saturated: '#d97706', dead: '#7c3aed' };

type Metric = 'loss' | 'accuracy';

/** Training loss or accuracy at every step. */
export function stepSeries(run: RunTelemetry, metric: Metric, label: string, dashed = false): Series {
  const values = () => (metric === 'loss' ? run.stepLoss : run.stepAccuracy);
  return {
    key: `${run.runId}-${metric}-step`,
    label,
    colour: COLOURS.train,
    dashed,
    length: () => run.stepCount,
    point: (i) => {
      const y = values()[i];
      return Number.isFinite(y) ? { x: run.stepNumbers[i], y } : null;
    },
  };
}

/** Validation loss or accuracy at the end of each epoch. */
export function epochSeries(run: RunTelemetry, metric: Metric, label: string, dashed = false): Series {
  return {
    key: `${run.runId}-${metric}-epoch`,
    label,
    colour: COLOURS.validation,
    dashed,
    length: () => run.epochs.length,
    point: (i) => {
      const e = run.epochs[i];
      const y = metric === 'loss' ? e.validationLoss : e.validationAccuracy;
      return y === null || !Number.isFinite(y) ? null : { x: e.step, y };
    },
  };
}

/** Theme colours for chart text and grid, read from the page's CSS variables. */
export function themeColours(): { text: string; grid: string } {
  const style = getComputedStyle(document.documentElement);
  return {
    text: style.getPropertyValue('--muted').trim() || '#5b6575',
    grid: style.getPropertyValue('--border').trim() || '#d5d9e0',
  };
}
