/**
 * `backflow serve [--port P] [--host H]`: the app and its engine for a
 * browser. Builds the web renderer when it is stale, serves until Ctrl+C
 * (or SIGTERM), then closes every connection and engine worker.
 */
import { networkInterfaces } from 'node:os';
import { ensureRendererBuilt, RENDERER_WEB_DIR } from '../../server/renderer-build';
import { startServer, type BackflowServer } from '../../server/server';
import { TEST_HOOKS_ENV } from '../../server/test-hooks';
import { EXIT, UsageError, type CliIO } from '../io';
import { intOption } from '../options';

import { DEFAULT_HOST, DEFAULT_PORT } from '../command-table';

export { DEFAULT_HOST, DEFAULT_PORT };

/** What tests replace: when to stop, and which renderer to serve without building. */
export interface ServeDependencies {
  /** Resolves when the server should stop; default: the first SIGINT or SIGTERM. */
  until?: Promise<unknown>;
  /** Serve this folder as is (no build check). */
  rendererDir?: string;
  /** Called once the server listens. */
  onListening?: (server: BackflowServer) => void;
}

export async function serveCommand(
  values: Record<string, unknown>,
  io: CliIO,
  deps: ServeDependencies = {},
): Promise<number> {
  const port = intOption(values, 'port', 0, 65535) ?? DEFAULT_PORT;
  const host = typeof values.host === 'string' ? values.host.trim() : DEFAULT_HOST;
  if (!/^[\w.:[\]-]{1,253}$/.test(host))
    throw new UsageError(`--host must be a host name or address, got "${host}"`);
  const bare = host.replace(/^\[|\]$/g, '');
  const log = (line: string) => io.out(`${line}\n`);

  let rendererDir = deps.rendererDir;
  if (!rendererDir) {
    try {
      await ensureRendererBuilt(log);
    } catch (error) {
      io.err(`backflow serve: could not build the renderer: ${(error as Error).message}\n`);
      return EXIT.failed;
    }
    rendererDir = RENDERER_WEB_DIR;
  }

  const testHooks = process.env[TEST_HOOKS_ENV] === '1';
  let server: BackflowServer;
  try {
    server = await startServer({ host: bare, port, rendererDir, testHooks, ...builtWorkers() });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${port} is already in use (try --port 0 for any free port)`
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? `${host} is not an address of this machine`
          : (error as Error).message;
    io.err(`backflow serve: cannot listen on ${host}:${port}: ${why}\n`);
    return EXIT.failed;
  }

  if (server.token === null) {
    log(`Backflow is serving the app and its engine on this machine only.`);
    log(`open ${server.url}`);
  } else {
    log(`Backflow is serving on ${host}:${server.port}, reachable from other machines.`);
    log(`Every request needs this token; anyone with the address below can use the engine:`);
    for (const address of reachableAddresses(bare))
      log(`open http://${address}:${server.port}/?token=${server.token}`);
    log(
      `Traffic is not encrypted: across untrusted networks, prefer an SSH tunnel to the default 127.0.0.1.`,
    );
  }
  if (testHooks && server.token === null)
    log(`Test hooks are on (${TEST_HOOKS_ENV}=1): a request can end the engine workers.`);
  log('Ctrl+C stops the server.');
  deps.onListening?.(server);

  await (deps.until ?? interrupted());
  log('Stopping: closing connections and engine workers…');
  await server.close();
  log('Stopped.');
  return EXIT.ok;
}

/**
 * The built CLI (out/cli/*.js) starts the workers bundled beside it; from
 * source (tsx) the servers' defaults, the tsx bootstraps, apply.
 */
function builtWorkers(): { workerUrl?: URL; readerWorkerUrl?: URL } {
  if (!import.meta.url.endsWith('.js')) return {};
  return {
    workerUrl: new URL('./engine-worker.js', import.meta.url),
    readerWorkerUrl: new URL('./read-worker.js', import.meta.url),
  };
}

/** Resolves on the first Ctrl+C or SIGTERM; a second one falls back to Node's default (exit). */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The addresses a browser elsewhere would use: every external IPv4 address for a wildcard bind. */
function reachableAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host.includes(':') ? `[${host}]` : host];
  const found = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info && info.family === 'IPv4' && !info.internal)
    .map((info) => info!.address);
  return found.length > 0 ? found : ['<this machine’s address>'];
}
