/**
 * Runs `work` at most once per `interval` ms, always after the latest
 * request (trailing edge), so the last data is always drawn. Charts use it:
 * Chart.js re-lays out its axes on every update, which costs far more than a
 * heatmap column, and a curve does not need 20 updates a second.
 */
export function createThrottle(interval: number, work: () => void): { request(): void; cancel(): void } {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    request() {
      if (timer !== undefined) return;
      const wait = Math.max(0, interval - (performance.now() - last));
      timer = setTimeout(() => {
        timer = undefined;
        last = performance.now();
        work();
      }, wait);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** How often line charts and the per-layer bar chart redraw while training. */
export const CHART_INTERVAL_MS = 250;
export const BAR_CHART_INTERVAL_MS = 1000;
