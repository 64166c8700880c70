/** An in-memory CliIO for tests: captures what a command prints. */
import type { CliIO } from './io';

export function captureIO(cwd = process.cwd()): CliIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    isTTY: false,
    columns: 80,
    cwd,
    stdout: () => out,
    stderr: () => err,
  };
}
