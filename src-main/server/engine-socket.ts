/**
 * One browser connection = one engine worker. Requests arrive as JSON text
 * frames, or, when they carry bytes (pretrained weights, an import's files),
 * as binary frames in the shared wire encoding; either way they are checked
 * with the shared protocol before the engine sees them. Anything else is
 * answered with an error event (badRequest) and the connection carries on.
 * Events go back through a bounded queue in the wire encoding. Closing the
 * socket ends the worker and its run.
 */
import type { WebSocket } from 'ws';
import { parseEngineRequest, refusal, type EngineRequest } from '../../src-shared/protocol';
import { decodeMessage } from '../../src-shared/wire';
import { createEngineHost, type EngineHost } from '../engine/worker/host';
import { createOutboundQueue, type OutboundQueueLimits } from './outbound-queue';

export interface EngineSocketOptions {
  /** The worker script (tests and the CLI use the default tsx bootstrap). */
  workerUrl?: URL;
  queueLimits?: OutboundQueueLimits;
  /** Called once the socket has closed and its worker has ended (shutdown waits for it). */
  onClosed?: () => void;
  /** Live workers, shared by the server's sockets, so closing one can be seen to end its worker. */
  workers?: Set<EngineHost>;
}

/** Serves the engine over `socket` until it closes. */
export function attachEngineSocket(socket: WebSocket, options: EngineSocketOptions = {}): void {
  const queue = createOutboundQueue(socket, options.queueLimits);
  let host: EngineHost | undefined;
  let closed = false;

  const badRequest = (runId: number | null, message: string) =>
    queue.push({ type: 'train.onError', runId, error: { type: 'badRequest', message } });

  // Like the Electron bridge: the worker starts with the first request, and after a crash
  // the next request starts a fresh one (the design lives in the page, not here).
  const ensureHost = () => {
    if (host) return host;
    const started = options.workerUrl ? createEngineHost(options.workerUrl) : createEngineHost();
    started.onEvent((event) => {
      if (event.type === 'engine.onExit') {
        options.workers?.delete(started);
        if (host === started) host = undefined;
      }
      queue.push(event);
    });
    options.workers?.add(started);
    host = started;
    return started;
  };

  socket.on('message', (data, isBinary) => {
    if (closed) return;
    let message: unknown;
    try {
      // `ws` hands over a Buffer (binaryType 'nodebuffer'); decodeMessage copies what it keeps.
      message = isBinary ? decodeMessage(data as Buffer) : JSON.parse(data.toString());
    } catch {
      return badRequest(
        null,
        isBinary ? 'a binary request must be a Backflow wire frame' : 'a request must be JSON',
      );
    }
    const parsed = parseEngineRequest(message);
    if (!parsed.ok) return queue.push(refusal(message, parsed.error));
    // The page's folder paths mean nothing on this machine, and a page must not make the
    // server read files it names: designs from the browser resolve no CSV paths (the page
    // sends a CSV's bytes instead, as `dataFile`).
    const value = parsed.value;
    const request: EngineRequest =
      value.type === 'train.start' || value.type === 'export.initial' ? { ...value, designDir: null } : value;
    try {
      ensureHost().send(request);
    } catch (error) {
      queue.push(refusal(request, { type: 'internal', message: (error as Error).message }));
    }
  });

  // Errors (an oversize frame, a reset connection) end in 'close'; without a listener they would throw.
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
    queue.dispose();
    const ending = host;
    host = undefined;
    void (ending?.terminate() ?? Promise.resolve())
      .catch(() => {}) // already gone: nothing left to end
      .finally(() => {
        if (ending) options.workers?.delete(ending);
        options.onClosed?.();
      });
  });
}
