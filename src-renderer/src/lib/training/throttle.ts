import { frameScheduler, type FrameScheduler } from './frame-scheduler';

/**
 * Runs `work` at most once per `interval` ms, always after the latest
 * request (trailing edge), so the last data is always drawn, and in a frame
 * of its own (see frame-scheduler.ts). Charts use it: Chart.js re-lays out
 * its axes on every update, which costs far more than a heatmap column, and a
 * curve does not need 20 updates a second.
 */
export function createThrottle(
  interval: number,
  work: () => void,
  frames: FrameScheduler = frameScheduler,
): { request(): void; cancel(): void } {
  let last = -Infinity;
  let waiting = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    waiting = false;
    last = performance.now();
    work();
  };
  return {
    request() {
      if (waiting) return;
      waiting = true;
      const wait = Math.max(0, interval - (performance.now() - last));
      timer = setTimeout(() => {
        timer = undefined;
        frames.request(run);
      }, wait);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      frames.cancel(run);
      waiting = false;
    },
  };
}

/** How often line charts and the per-layer bar chart redraw while training. */
export const CHART_INTERVAL_MS = 250;
export const BAR_CHART_INTERVAL_MS = 1000;
