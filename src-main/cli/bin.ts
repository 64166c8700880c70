/**
 * The process entry of `backflow`: built into out/cli/backflow.js (the
 * package's bin), and run from source by bin/backflow.mjs during development.
 */
import { main } from './main';

process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  // Progress draws on stderr, so whether stderr is a terminal decides bar or lines.
  isTTY: Boolean(process.stderr.isTTY),
  columns: process.stderr.columns ?? 80,
  cwd: process.cwd(),
});
