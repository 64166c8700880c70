/**
 * Steps per second over the last few seconds, and the time left at that
 * pace: the progress bar's figures. A sliding window, so a pause or a slow
 * first step (backend warm-up) fades out instead of skewing the whole run.
 */
export class RateMeter {
  #times: number[] = [];
  #steps: number[] = [];

  constructor(readonly windowMs = 3000) {}

  add(step: number, now: number): void {
    this.#times.push(now);
    this.#steps.push(step);
    while (this.#times.length > 2 && now - this.#times[0] > this.windowMs) {
      this.#times.shift();
      this.#steps.shift();
    }
  }

  reset(): void {
    this.#times = [];
    this.#steps = [];
  }

  /** Steps per second, or 0 before two steps were seen. */
  rate(): number {
    const n = this.#times.length;
    if (n < 2) return 0;
    const dt = this.#times[n - 1] - this.#times[0];
    return dt > 0 ? ((this.#steps[n - 1] - this.#steps[0]) * 1000) / dt : 0;
  }

  /** Seconds until `total` steps at the current rate; null when unknown. */
  secondsLeft(done: number, total: number): number | null {
    const rate = this.rate();
    return rate > 0 ? Math.max(0, (total - done) / rate) : null;
  }
}

/** 75 s → "1 min 15 s". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
