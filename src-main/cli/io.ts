/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr, where progress goes, is a terminal: draw a progress bar instead of lines. */
  isTTY: boolean;
  columns: number;
  cwd: string;
}

/**
 * Exit codes: 0 success, 1 the design / data / run failed, 2 the command line
 * is wrong, 3 training diverged, 130 / 143 stopped by SIGINT / SIGTERM (the
 * shell's 128 + signal number).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, diverged: 3, interrupted: 130, terminated: 143 } as const;

/** A malformed option value (`--steps abc`): reported with the command's usage line, exit 2. */
export class UsageError extends Error {}
