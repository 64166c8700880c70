/**
 * The engine over the WebSocket, with a real engine worker per connection:
 * the deep sigmoid example trains and its telemetry arrives as Float32Array,
 * its preview at initialisation equals its step 0;
 * a model uploaded in a binary frame imports and its weights come back as
 * bytes; hostile frames get errors (or, past the size limit, a 1009 close)
 * and the server keeps serving; closing the socket ends its worker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYER_STAT_STRIDE } from '../../src-shared/telemetry';
import { encodeMessage } from '../../src-shared/wire';
import { EXAMPLES_DIR } from '../engine/test-support';
import { startServer, type BackflowServer } from './server';
import { eventually, makeRendererDir, openSocket, type TestSocket } from './test-support';

const designText = readFileSync(join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json'), 'utf8');
const isError = (runId: number | null) => (e: { type: string; runId?: unknown }) =>
  e.type === 'train.onError' && e.runId === runId;

describe('the engine over WebSocket', () => {
  let server: BackflowServer;
  let url: string;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir: makeRendererDir() });
    url = `ws://127.0.0.1:${server.port}/engine`;
  });
  afterAll(() => server.close());

  it('trains the deep sigmoid example and streams Float32Array telemetry; closing ends the worker', async () => {
    const socket = await openSocket(url);
    socket.ws.send(
      JSON.stringify({
        type: 'train.start',
        runId: 7,
        designText,
        designDir: '/etc', // ignored: the server never reads paths a page names
        backend: 'wasm',
        telemetryEvery: 1,
        maxSteps: 4,
      }),
    );
    const started = await socket.waitFor<{ layers: { id: string }[]; totalSteps: number }>(
      (e) => e.type === 'train.onStarted' && e.runId === 7,
    );
    expect(started.layers.map((layer) => layer.id)).toEqual([
      'd1',
      'd2',
      'd3',
      'd4',
      'd5',
      'd6',
      'd7',
      'd8',
      'd9',
      'd10',
      'out',
    ]);
    await socket.waitFor((e) => e.type === 'train.onState' && e.state === 'finished');
    const steps = socket.events.filter((e) => e.type === 'train.onStep') as unknown as {
      step: number;
      loss: number;
      stats: Float32Array;
    }[];
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3]);
    for (const step of steps) {
      expect(step.stats).toBeInstanceOf(Float32Array);
      expect(step.stats.length).toBe(started.layers.length * LAYER_STAT_STRIDE);
      expect(Number.isFinite(step.loss)).toBe(true);
    }
    // The vanishing gradient itself: the first layer's gradNorm far below the last hidden layer's.
    const stats = steps[0].stats;
    expect(stats[0] / stats[9 * LAYER_STAT_STRIDE]).toBeLessThan(1e-2);
    expect(socket.events.filter((e) => e.type === 'train.onError')).toEqual([]);

    // The preview at initialisation is that run's step 0, through the same socket and worker.
    socket.ws.send(JSON.stringify({ type: 'preview.init', requestId: 3, designText, designDir: '/etc' }));
    const preview = await socket.waitFor<{ result: { ok: boolean; value: { stats: Float32Array } } }>(
      (e) => e.type === 'preview.onResult' && e.requestId === 3,
    );
    expect(preview.result.ok).toBe(true);
    expect(preview.result.value.stats).toEqual(steps[0].stats);
    socket.ws.send(JSON.stringify({ type: 'preview.init', requestId: 4, designText: '{' }));
    const refused = await socket.waitFor<{ result: { ok: false; error: { type: string } } }>(
      (e) => e.type === 'preview.onResult' && e.requestId === 4,
    );
    expect(refused.result).toMatchObject({ ok: false, error: { type: 'design' } });

    expect(server.engineWorkers).toBe(1);
    socket.ws.close();
    await eventually(() => server.engineWorkers === 0 && server.connections === 0);
  });

  it('imports a model uploaded in a binary frame; its weights come back as bytes', async () => {
    const socket = await openSocket(url);
    const model = join(__dirname, '../../resources/fixtures/models/tfjs-sequential');
    const files = ['model.json', 'weights.bin'].map((name) => ({
      name,
      bytes: new Uint8Array(readFileSync(join(model, name))),
    }));
    // Over 4 MB, the old frame limit: an upload of real weights must fit.
    files.push({ name: 'padding.bin', bytes: new Uint8Array(5 * 1024 * 1024) });
    const frame = encodeMessage({ type: 'import.model', requestId: 3, files });
    expect(frame).toBeInstanceOf(Uint8Array);
    socket.ws.send(frame);
    const reply = await socket.waitFor<{
      result: { ok: true; value: { weights: Uint8Array; tensorCount: number; warnings: string[] } };
    }>((e) => e.type === 'import.onResult' && e.requestId === 3);
    expect(reply.result.ok).toBe(true);
    expect(reply.result.value.weights).toBeInstanceOf(Uint8Array);
    expect(reply.result.value.tensorCount).toBe(4);
    expect(reply.result.value.warnings).toContain('not used: padding.bin');
    socket.ws.close();
    await eventually(() => server.engineWorkers === 0);
  });

  describe('hostile frames', () => {
    let socket: TestSocket;
    beforeAll(async () => {
      socket = await openSocket(url);
    });
    afterAll(() => socket.ws.close());

    it.each([
      ['non-JSON text', 'this is not { json', null, 'must be JSON'],
      [
        'binary garbage',
        Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2]),
        null,
        'a binary request must be a Backflow wire frame',
      ],
      ['a JSON array', '[1,2,3]', null, 'must be an object'],
      ['an unknown type', JSON.stringify({ type: 'engine.format', runId: 3 }), 3, 'unknown request type'],
      [
        'a prototype key',
        '{"type":"train.stop","runId":4,"__proto__":{"polluted":true}}',
        4,
        'unexpected field',
      ],
      [
        'a constructor key',
        '{"type":"train.stop","runId":5,"constructor":{"prototype":{"polluted":1}}}',
        5,
        'unexpected',
      ],
      ['a wrong runId', JSON.stringify({ type: 'train.pause', runId: -1 }), -1, 'runId'],
      [
        'a huge number',
        JSON.stringify({
          type: 'train.start',
          runId: 6,
          designText: 'x',
          designDir: null,
          backend: 'gpu',
          telemetryEvery: 1,
        }),
        6,
        'backend',
      ],
    ])('answers %s with a badRequest error', async (_name, frame, runId, message) => {
      socket.events.length = 0;
      socket.ws.send(frame);
      const error = await socket.waitFor<{ error: { type: string; message: string } }>(isError(runId));
      expect(error.error.type).toBe('badRequest');
      expect(error.error.message).toContain(message);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(server.engineWorkers).toBe(0); // nothing reached an engine
    });

    it('answers a hostile upload in a binary frame with its import result', async () => {
      socket.events.length = 0;
      socket.ws.send(
        encodeMessage({
          type: 'import.model',
          requestId: 8,
          files: [{ name: '../../../etc/cron.d/x', bytes: new Uint8Array(4) }],
        }),
      );
      const reply = await socket.waitFor<{ result: { ok: false; error: { type: string; message: string } } }>(
        (e) => e.type === 'import.onResult' && e.requestId === 8,
      );
      expect(reply.result.error).toMatchObject({ type: 'badRequest' });
      expect(reply.result.error.message).toContain('has a folder in it');
      expect(server.engineWorkers).toBe(0);
    });

    it('closes the connection on a frame past the limit (1009) and keeps serving others', async () => {
      const limited = await startServer({
        host: '127.0.0.1',
        port: 0,
        rendererDir: makeRendererDir(),
        maxPayloadBytes: 1024 * 1024,
      });
      const limitedUrl = `ws://127.0.0.1:${limited.port}/engine`;
      const kept = await openSocket(limitedUrl);
      const big = await openSocket(limitedUrl);
      big.ws.send('x'.repeat(2 * 1024 * 1024));
      expect((await big.closed).code).toBe(1009);
      // The existing connection and new ones still work.
      kept.ws.send('not json');
      await kept.waitFor(isError(null));
      const fresh = await openSocket(limitedUrl);
      fresh.ws.send(JSON.stringify({ type: 'train.stop', runId: 1, extra: 1 }));
      await fresh.waitFor(isError(1));
      fresh.ws.close();
      kept.ws.close();
      await limited.close();
    });

    it('answers a design that does not parse with the design error, from a real engine', async () => {
      socket.events.length = 0;
      socket.ws.send(
        JSON.stringify({
          type: 'train.start',
          runId: 9,
          designText: '{"format":"backflow.design","formatVersion":999}',
          designDir: null,
          backend: 'wasm',
          telemetryEvery: 1,
        }),
      );
      const error = await socket.waitFor<{ error: { type: string; message: string } }>(isError(9));
      expect(error.error.type).not.toBe('badRequest');
      expect(server.engineWorkers).toBe(1);
    });
  });
});
