/**
 * Training progress, on stderr so stdout carries only the outcome: a redrawn
 * bar on a terminal, plain lines (about twenty per run, plus one per epoch)
 * when stderr is a file or pipe.
 */
import type { CliIO } from './io';

export interface ProgressState {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  accuracy: number | null;
}

export interface Progress {
  update(state: ProgressState): void;
  /** A line that must not be overwritten by the bar (an epoch summary, a warning). */
  line(text: string): void;
  done(): void;
}

export function createProgress(io: CliIO): Progress {
  const started = performance.now();
  let lastDraw = 0;
  let lastLineStep = -1;
  let barShown = false;
  const describe = (s: ProgressState) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = s.step / Math.max(seconds, 1e-9);
    const left = rate > 0 ? (s.totalSteps - s.step) / rate : Infinity;
    const accuracy = s.accuracy === null ? '' : ` acc ${s.accuracy.toFixed(3)}`;
    return `step ${s.step}/${s.totalSteps} epoch ${s.epoch + 1} loss ${s.loss.toFixed(4)}${accuracy} · ${rate.toFixed(1)} steps/s · ${formatDuration(left)} left`;
  };
  return {
    update(state) {
      if (io.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 100 && state.step < state.totalSteps) return;
        lastDraw = now;
        const text = describe(state);
        const width = Math.max(10, Math.min(40, io.columns - text.length - 10));
        const filled = Math.round((width * state.step) / Math.max(state.totalSteps, 1));
        const percent = Math.floor((100 * state.step) / Math.max(state.totalSteps, 1));
        io.err(
          `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${text}\x1b[K`,
        );
        barShown = true;
        return;
      }
      const every = Math.max(1, Math.ceil(state.totalSteps / 20));
      if (state.step === state.totalSteps || state.step - lastLineStep >= every) {
        lastLineStep = state.step;
        io.err(`${describe(state)}\n`);
      }
    },
    line(text) {
      if (barShown) io.err('\r\x1b[K');
      io.err(`${text}\n`);
      lastDraw = 0;
    },
    done() {
      if (barShown) io.err('\n');
      barShown = false;
    },
  };
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
