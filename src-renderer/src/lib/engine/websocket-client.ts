/**
 * The EngineClient in browser mode: one WebSocket to `backflow serve`'s
 * `/engine`, which owns one engine worker per connection. Requests and events
 * both travel in the wire encoding: JSON text, or a binary frame when they
 * carry typed arrays (pretrained weights, an import's files, telemetry).
 * A lost connection is reported (`engine.onConnection`) and retried with
 * back-off; every new connection is a fresh engine, so a run in progress
 * ends with the old one and the page decides whether to start it again.
 */
import { refusal, type EngineRequest } from '../../../../src-shared/protocol';
import type { EngineClient, EngineClientEvent, EngineConnectionState } from './client';
import { createListenerSet } from './listeners';
import { decodeMessage, encodeMessage, type WireFrame } from '../../../../src-shared/wire';

/** The part of the browser's WebSocket this client uses (the `ws` package's matches it, for tests). */
export interface WebSocketLike {
  binaryType: string;
  send(data: WireFrame): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketClientOptions {
  /** `ws://host:port/engine` (or wss://). */
  url: string;
  /** Sent as `?token=` when the server requires one; held in memory only. */
  token?: string | null;
  /** Default: the browser's WebSocket. */
  createSocket?: (url: string) => WebSocketLike;
  /** Reconnect after an unexpected close (default true), waiting from minDelayMs doubling to maxDelayMs. */
  reconnect?: boolean;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Requests held while the socket opens; a page never has more than a handful in flight. */
const MAX_PENDING = 64;

const CLOSE_MESSAGES: Record<number, string> = {
  1000: 'the connection to the engine was closed',
  1001: 'the engine server shut down',
  1006: 'lost the connection to the engine server (is `backflow serve` running, and does the address carry its ?token=?)',
  1009: 'a request was larger than the engine server accepts',
  1011: 'the engine server failed',
  1013: 'the engine server has too many connections open; close another Backflow tab',
};

export function createWebSocketClient(options: WebSocketClientOptions): EngineClient {
  const listeners = createListenerSet();
  const createSocket =
    options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
  const url = new URL(options.url);
  if (options.token) url.searchParams.set('token', options.token);
  const minDelay = options.minDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 8000;

  let state: EngineConnectionState = 'closed';
  let message: string | undefined;
  let socket: WebSocketLike | undefined;
  let pending: EngineRequest[] = [];
  const waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let disposed = false;

  const setState = (next: EngineConnectionState, why?: string) => {
    if (next === state && why === message) return;
    state = next;
    message = why;
    listeners.emit({ type: 'engine.onConnection', state, ...(why ? { message: why } : {}) });
  };
  const notSent = (request: EngineRequest, why: string) =>
    listeners.emit(refusal(request, { type: 'internal', message: `not sent: ${why}` }));

  const connect = () => {
    retryTimer = undefined;
    setState('connecting');
    const ws = createSocket(url.href);
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setState('open');
      const queued = pending;
      pending = [];
      queued.forEach((request) => ws.send(encodeMessage(request)));
      waiters.splice(0).forEach((waiter) => waiter.resolve());
    };
    ws.onmessage = ({ data }) => {
      if (socket !== ws) return;
      let event: unknown;
      try {
        event = decodeMessage(data as string | ArrayBuffer);
      } catch (error) {
        event = {
          type: 'train.onError',
          runId: null,
          error: { type: 'internal', message: `unreadable event: ${(error as Error).message}` },
        };
      }
      if (
        event !== null &&
        typeof event === 'object' &&
        typeof (event as { type?: unknown }).type === 'string'
      )
        listeners.emit(event as EngineClientEvent);
    };
    ws.onerror = () => {}; // a close event always follows, with the code that says why
    ws.onclose = ({ code, reason }) => {
      if (socket !== ws) return;
      socket = undefined;
      const why =
        CLOSE_MESSAGES[code] ?? `the engine connection closed (code ${code}${reason ? `: ${reason}` : ''})`;
      pending.splice(0).forEach((request) => notSent(request, why));
      setState('closed', why);
      waiters.splice(0).forEach((waiter) => waiter.reject(new Error(why)));
      if (!disposed && options.reconnect !== false) {
        retryTimer = setTimeout(connect, Math.min(maxDelay, minDelay * 2 ** attempt));
        attempt++;
      }
    };
  };

  const dropSocket = () => {
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
    const old = socket;
    socket = undefined; // its close event is now ignored: the caller says what happens next
    old?.close(1000, 'closed by the page');
  };

  connect();
  return {
    send(request) {
      if (state === 'open' && socket) return socket.send(encodeMessage(request));
      if (state === 'connecting' && pending.length < MAX_PENDING) return void pending.push(request);
      notSent(request, message ?? 'not connected to the engine server');
    },
    listen(listener) {
      const off = listeners.add(listener);
      listener({ type: 'engine.onConnection', state, ...(message ? { message } : {}) });
      return off;
    },
    restart() {
      if (disposed) return Promise.reject(new Error('the engine client was disposed'));
      dropSocket();
      attempt = 0;
      const opened = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      connect();
      return opened;
    },
    dispose() {
      disposed = true;
      dropSocket();
      waiters.splice(0).forEach((waiter) => waiter.reject(new Error('the engine client was disposed')));
      listeners.clear();
    },
  };
}
