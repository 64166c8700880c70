/**
 * One browser connection = one engine worker. Requests arrive as JSON text
 * frames, or, when they carry bytes (pretrained weights, an import's files),
 * as binary frames in the shared wire encoding; either way they are checked
 * with the shared protocol before the engine sees them (a large one on the
 * request-reading worker, so the server's thread never parses megabytes).
 * Anything else is answered with an error event (badRequest) and the
 * connection carries on; a message past the size limits closes it (1009).
 * Events go back through a bounded queue in the wire encoding. Closing the
 * socket ends the worker and its run.
 */
import type { WebSocket } from 'ws';
import { refusal } from '../../src-shared/protocol';
import { createEngineHost, type EngineHost } from '../engine/worker/host';
import { createOutboundQueue, type OutboundQueueLimits } from './outbound-queue';
import { sizeProblem, TOO_BIG, type ReadResult } from './read-request';
import { createRequestReader, INLINE_BYTES, type RequestReader } from './request-reader';

export interface EngineSocketOptions {
  /** The worker script (tests and the CLI use the default tsx bootstrap). */
  workerUrl?: URL;
  queueLimits?: OutboundQueueLimits;
  /** Called once the socket has closed and its worker has ended (shutdown waits for it). */
  onClosed?: () => void;
  /** Live workers, shared by the server's sockets, so closing one can be seen to end its worker. */
  workers?: Set<EngineHost>;
  /** Most engine workers alive at once across {@link workers}; a request past it is answered `busy`. */
  maxEngines?: number;
  /** Reads large messages off the server's thread (shared by the server's sockets). */
  reader?: RequestReader;
}

/** Serves the engine over `socket` until it closes. */
export function attachEngineSocket(socket: WebSocket, options: EngineSocketOptions = {}): void {
  const queue = createOutboundQueue(socket, options.queueLimits);
  const reader = options.reader ?? createRequestReader();
  const maxEngines = options.maxEngines ?? Infinity;
  let host: EngineHost | undefined;
  let closed = false;
  // Messages are handled in order of arrival; while a large one is being read the socket is
  // paused, so a client cannot pile up more than one large message in the server's memory.
  let reading: Promise<void> | undefined;

  // Like the Electron bridge: the worker starts with the first request, and after a crash
  // the next request starts a fresh one (the design lives in the page, not here).
  const ensureHost = (): EngineHost | undefined => {
    if (host) return host;
    if ((options.workers?.size ?? 0) >= maxEngines) return undefined;
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

  const dispatch = (result: ReadResult) => {
    if (closed) return;
    if (!result.ok) return queue.push(result.answer);
    const { request } = result;
    try {
      const engine = ensureHost();
      if (engine) return engine.send(request);
      queue.push(refusal(request, { type: 'busy', message: busyMessage(maxEngines) }));
    } catch (error) {
      queue.push(refusal(request, { type: 'internal', message: (error as Error).message }));
    }
  };

  socket.on('message', (raw, isBinary) => {
    if (closed) return;
    // `ws` hands over a Buffer (binaryType 'nodebuffer'): one whole message, already within maxPayload.
    const data = raw as Buffer;
    const tooBig = sizeProblem(data, isBinary);
    if (tooBig) {
      closed = true;
      return socket.close(TOO_BIG, tooBig);
    }
    const inline = data.length <= INLINE_BYTES; // measured first: a large message's buffer moves to the reader
    const read = reader.read(data, isBinary);
    if (!reading && inline) return void read.then(dispatch);
    socket.pause();
    const handled = (reading ?? Promise.resolve()).then(() => read).then(dispatch);
    reading = handled;
    void handled.then(() => {
      if (reading !== handled) return;
      reading = undefined;
      if (!closed) socket.resume();
    });
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
        if (!options.reader) void reader.close();
        options.onClosed?.();
      });
  });
}

function busyMessage(maxEngines: number): string {
  return (
    `the engine server is busy: it already runs ${maxEngines} engine${maxEngines === 1 ? '' : 's'}, ` +
    'one for each Backflow tab that has used it; close another Backflow tab, then try again'
  );
}
