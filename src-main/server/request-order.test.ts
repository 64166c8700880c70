/**
 * Large messages are read on a worker and small ones inline, yet the engine
 * receives a connection's requests in the order they were sent: a pause
 * sent right after a large train.start must not overtake it. The engine here
 * is a worker that reports each request it receives, so the order is seen
 * exactly where it matters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src-shared/wire';
import { INLINE_BYTES } from './request-reader';
import { startServer, type BackflowServer } from './server';
import { makeRendererDir, openSocket } from './test-support';

/** An engine worker that answers every request with an error event naming it, in arrival order. */
const RECORDING_ENGINE = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads';
    parentPort.on('message', (request) =>
      parentPort.postMessage({
        type: 'train.onError',
        runId: null,
        error: { type: 'internal', message: 'received ' + request.type + ' ' + (request.runId ?? request.requestId) },
      }),
    );`)}`,
);

describe('request order', () => {
  let server: BackflowServer;
  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      rendererDir: makeRendererDir(),
      workerUrl: RECORDING_ENGINE,
    });
  });
  afterAll(() => server.close());

  it('hands requests to the engine in the order they were sent, large or small', async () => {
    const socket = await openSocket(`ws://127.0.0.1:${server.port}/engine`);
    // Valid requests the protocol accepts, the large ones well past the inline size.
    const padded = `{}${' '.repeat(4 * INLINE_BYTES)}`;
    const start = (runId: number) => ({
      type: 'train.start',
      runId,
      designText: padded,
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 1,
    });
    const sent = [
      JSON.stringify(start(1)),
      JSON.stringify({ type: 'train.pause', runId: 1 }),
      encodeMessage({ ...start(2), initialWeights: new Uint8Array(2 * INLINE_BYTES) }),
      JSON.stringify({ type: 'train.stop', runId: 2 }),
      JSON.stringify({ type: 'train.resume', runId: 3 }),
      JSON.stringify(start(4)),
      JSON.stringify({ type: 'train.step', runId: 4 }),
    ];
    sent.forEach((frame) => socket.ws.send(frame));
    await socket.waitFor(() => socket.events.length === sent.length);
    expect(socket.events.map((event) => (event.error as { message: string }).message)).toEqual([
      'received train.start 1',
      'received train.pause 1',
      'received train.start 2',
      'received train.stop 2',
      'received train.resume 3',
      'received train.start 4',
      'received train.step 4',
    ]);
    socket.ws.close();
  });
});
