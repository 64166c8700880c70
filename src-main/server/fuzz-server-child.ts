/**
 * The server the fuzz suite attacks, in a process of its own so its memory
 * can be measured alone: `backflow serve --port 0` (the CLI command itself,
 * serving the small test renderer instead of building the real one). Prints
 * `listening <port>` once up, then every 50 ms `memory <rss> <heapUsed>
 * <polluted>` (bytes; whether Object.prototype has gained a `polluted` key).
 * SIGTERM stops it as it stops for a user.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serveCommand } from '../cli/commands/serve';
import { makeRendererDir } from './test-support';

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const report = () => {
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`memory ${rss} ${heapUsed} ${'polluted' in {}} ${Math.round(loopDelay.max / 1e6)}\n`);
  loopDelay.reset();
};
const timer = setInterval(report, 50);
const code = await serveCommand(
  { port: '0', host: '127.0.0.1' },
  { out: () => {}, err: (text) => process.stderr.write(text), isTTY: false, columns: 80, cwd: process.cwd() },
  {
    rendererDir: makeRendererDir(),
    onListening: (server) => process.stdout.write(`listening ${server.port}\n`),
  },
);
clearInterval(timer);
process.exit(code);
