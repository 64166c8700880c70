/**
 * When to recompute the decision boundary. The boundary is a forward pass
 * over a 48×48 grid: for a 20×128 MLP at batch 128 that costs as much as
 * two or three training steps, so a boundary every 4 steps made the app
 * train at about a third of the CLI's rate (which draws none). With a time
 * share, a due boundary is skipped until the training since the last one has
 * taken long enough that boundaries stay under that share of the run's time:
 * a small network still gets one every few steps, a large one a few a second.
 */

export interface BoundaryScheduleOptions {
  /** A boundary at most every K steps (steps 0, K, 2K, …); 0 disables boundaries. */
  every: number;
  /**
   * At most this share of the run's time (0–1) spent on boundaries;
   * absent: every K steps, whatever they cost.
   */
  maxShare?: number;
  /** Milliseconds; a test passes its own clock. */
  now?: () => number;
}

export interface BoundarySchedule {
  /** Whether step `step` gets a boundary; `forced` (a single step the user asked for, the last step) always does. */
  due(step: number, forced?: boolean): boolean;
  /** Runs the boundary's work and records what it cost (an interrupted attempt throws and is not recorded). */
  measure<T>(work: () => T): T;
}

export function boundarySchedule(options: BoundaryScheduleOptions): BoundarySchedule {
  const now = options.now ?? (() => performance.now());
  const { every, maxShare } = options;
  if (maxShare !== undefined && !(maxShare > 0 && maxShare <= 1))
    throw new Error(`boundary time share must be in (0, 1], got ${maxShare}`);
  let lastEnd = -Infinity;
  let lastCost = 0;
  return {
    due(step, forced = false) {
      if (every <= 0) return false;
      if (forced) return true;
      if (step % every !== 0) return false;
      if (maxShare === undefined) return true;
      // share = cost / (gap + cost) ≤ maxShare  ⇔  gap ≥ cost · (1/maxShare − 1)
      return now() - lastEnd >= lastCost * (1 / maxShare - 1);
    },
    measure<T>(work: () => T): T {
      const started = now();
      const result = work();
      const record = () => {
        lastEnd = now();
        lastCost = lastEnd - started;
      };
      // An asynchronous boundary (WebGPU reads back asynchronously) costs until it settles.
      if (result instanceof Promise) return result.finally(record) as T;
      record();
      return result;
    },
  };
}
