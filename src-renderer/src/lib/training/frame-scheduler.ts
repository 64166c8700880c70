/**
 * The training view's screen work, run at the start of animation frames and
 * at most one job per frame. A telemetry flush (which makes Svelte repaint the
 * heatmap columns, node tints and progress text) and a Chart.js redraw each
 * cost several milliseconds; fired from independent timers they often landed
 * in the same frame and made it miss its 16.7 ms. Queued here, each gets a
 * frame of its own, and it starts where the browser renders right after it.
 *
 * One job per frame rather than a time budget: a job's cost is mostly in the
 * Svelte effects it triggers, which run in a microtask after the job returns,
 * so a budget measured around the job would not see it.
 */

export type FrameJob = () => void;

export interface FrameScheduler {
  /** Runs `job` at the start of a coming frame. Asking again before it ran runs it once. */
  request(job: FrameJob): void;
  /** Forgets a requested job that has not run yet. */
  cancel(job: FrameJob): void;
}

export interface FrameSchedulerOptions {
  /** Default: requestAnimationFrame, or a 16 ms timer where there is none (unit tests under Node). */
  requestFrame?: (callback: () => void) => void;
}

function defaultRequestFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
}

export function createFrameScheduler(options: FrameSchedulerOptions = {}): FrameScheduler {
  const requestFrame = options.requestFrame ?? defaultRequestFrame;
  // A Set keeps insertion order (first asked, first run) and makes a repeated request a no-op.
  const queue = new Set<FrameJob>();
  let frameRequested = false;

  const onFrame = () => {
    frameRequested = false;
    const next = queue.values().next();
    if (next.done) return;
    queue.delete(next.value);
    if (queue.size > 0) ask();
    try {
      next.value();
    } catch (error) {
      // One failing view must not stop the others' frames.
      console.error(error);
    }
  };

  const ask = () => {
    if (frameRequested) return;
    frameRequested = true;
    requestFrame(onFrame);
  };

  return {
    request(job) {
      queue.add(job);
      ask();
    },
    cancel(job) {
      queue.delete(job);
    },
  };
}

/** The page's one scheduler: every training view shares it, so their jobs take turns. */
export const frameScheduler: FrameScheduler = createFrameScheduler();
