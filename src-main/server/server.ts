/**
 * `backflow serve`: the built renderer over HTTP and the engine over a
 * WebSocket at `/engine`, for a browser on this machine or, with a token, on
 * another one (training on a remote GPU box). Every request passes the
 * access check first; nothing is served to a request that fails it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { realpathSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_BINARY_REQUEST_BYTES } from '../../src-shared/protocol';
import { checkAccess, createAccessPolicy, securityHeaders } from './access';
import { sweepStaleTempDirs } from '../engine/transfer/temp-dir';
import type { EngineHost } from '../engine/worker/host';
import { attachEngineSocket } from './engine-socket';
import type { OutboundQueueLimits } from './outbound-queue';
import { createRequestReader } from './request-reader';
import { sendText, serveStatic } from './static-files';
import { handleTestHook } from './test-hooks';

/** The WebSocket endpoint of the engine. */
export const ENGINE_PATH = '/engine';

export interface ServerOptions {
  /** Address to bind; a non-loopback one turns the token on. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (index.html and assets/). */
  rendererDir: string;
  /** Overrides the loopback rule: tests bind to 127.0.0.1 yet exercise the token. */
  requireToken?: boolean;
  /** A fixed token (otherwise a random one when required). */
  token?: string;
  /** The engine worker script (default: the tsx bootstrap). */
  workerUrl?: URL;
  /** The request-reading worker script (default: the tsx bootstrap beside request-reader.ts). */
  readerWorkerUrl?: URL;
  /** Largest WebSocket message accepted; bigger ones close the connection with code 1009. */
  maxPayloadBytes?: number;
  /** Concurrent engine connections; more are refused with code 1013. */
  maxConnections?: number;
  /**
   * Engine workers alive at once (each may hold a training run's memory);
   * a tab's first request past it is answered with a `busy` error.
   */
  maxEngines?: number;
  queueLimits?: OutboundQueueLimits;
  /**
   * Adds the test-only routes of test-hooks.ts (end a worker as a crash
   * would). Ignored when a token is required: never on a server other
   * machines can reach.
   */
  testHooks?: boolean;
}

export interface BackflowServer {
  host: string;
  port: number;
  /** The token required, or null on loopback. */
  token: string | null;
  /** The address to open in a browser (with the token when one is required). */
  url: string;
  /** Open engine connections. */
  readonly connections: number;
  /** Engine workers alive (one per connection that has sent a request). */
  readonly engineWorkers: number;
  /** Closes every socket (ending their workers) and stops listening. */
  close(): Promise<void>;
}

/**
 * The largest request the protocol allows: an import's model files, or a
 * design with its pretrained weights (src-shared/protocol.ts). `ws` counts
 * a message against it as it arrives, so nothing larger is ever buffered;
 * text requests and binary headers have their own smaller limit (4 MB).
 */
export const DEFAULT_MAX_PAYLOAD = MAX_BINARY_REQUEST_BYTES;

/** Engines one server runs at once by default: a few tabs, without one machine's memory for each. */
export const DEFAULT_MAX_ENGINES = 4;

export async function startServer(options: ServerOptions): Promise<BackflowServer> {
  const rendererDir = realpathSync(options.rendererDir);
  // Uploads abandoned by an earlier server that was killed mid-import (tens of MB each).
  await sweepStaleTempDirs();
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const policy = createAccessPolicy({ ...options, port });
  const maxConnections = options.maxConnections ?? 8;
  const maxEngines = options.maxEngines ?? DEFAULT_MAX_ENGINES;
  const reader = createRequestReader(options.readerWorkerUrl);
  const testHooks = options.testHooks === true && policy.token === null;
  const workersEnding = new Set<Promise<void>>();
  const workers = new Set<EngineHost>();

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD,
  });

  server.on('request', (request, response) => {
    const headers = securityHeaders(request.headers.host);
    const access = checkAccess(policy, request, false);
    if (!access.ok) return sendText(response, access.status, access.message, headers);
    if (access.setCookie) headers['Set-Cookie'] = access.setCookie;
    if (testHooks && handleTestHook(request, response, pathOf(request), workers, headers)) return;
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendText(response, 405, 'Method not allowed.', headers, { Allow: 'GET, HEAD' });
    if (pathOf(request) === ENGINE_PATH)
      return sendText(response, 426, 'The engine speaks WebSocket here.', headers, { Upgrade: 'websocket' });
    serveStatic(rendererDir, request, response, headers).catch(() => response.destroy());
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const access = checkAccess(policy, request, true);
    if (!access.ok) return refuseUpgrade(socket, access.status, access.message);
    if (pathOf(request) !== ENGINE_PATH) return refuseUpgrade(socket, 404, 'Not found.');
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (wss.clients.size > maxConnections) return ws.close(1013, 'too many engine connections');
      let ended!: () => void;
      const ending = new Promise<void>((resolve) => (ended = resolve));
      workersEnding.add(ending);
      attachEngineSocket(ws, {
        workerUrl: options.workerUrl,
        queueLimits: options.queueLimits,
        workers,
        maxEngines,
        reader,
        onClosed: () => {
          workersEnding.delete(ending);
          ended();
        },
      });
    });
  });

  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    host: options.host,
    port,
    token: policy.token,
    url: `http://${shownHost}:${port}/${policy.token ? `?token=${policy.token}` : ''}`,
    get connections() {
      return wss.clients.size;
    },
    get engineWorkers() {
      return workers.size;
    },
    async close() {
      const pending = [...workersEnding];
      for (const client of wss.clients) client.close(1001, 'the server is shutting down');
      // A client that never answers the close handshake must not hold the shutdown.
      const forced = setTimeout(() => wss.clients.forEach((client) => client.terminate()), 1000);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, ...pending]);
      clearTimeout(forced);
      wss.close();
      await reader.close();
    },
  };
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split(/[?#]/, 1)[0];
}

/** Answers a refused WebSocket upgrade with a plain HTTP status and drops the connection. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Refused';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}
