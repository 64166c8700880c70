/**
 * The limits of `backflow serve`, as the README states them: a text request
 * over 4 MB and a binary request declaring a header over 4 MB close the
 * connection (1009) before anything is parsed; engines past the cap are
 * refused with a `busy` answer in words; an upload cut short by a closed tab
 * leaves no folder behind, and a server starting up sweeps abandoned ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_REQUEST_BYTES } from '../../src-shared/protocol';
import { encodeMessage } from '../../src-shared/wire';
import { STALE_AFTER_MS } from '../engine/transfer/temp-dir';
import { startServer, type BackflowServer } from './server';
import { eventually, makeRendererDir, openSocket } from './test-support';

const uploadsOfThisProcess = () =>
  readdirSync(tmpdir()).filter((name) => name.startsWith(`backflow-upload-${process.pid}-`));

describe('server limits', () => {
  let server: BackflowServer;
  let url: string;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir: makeRendererDir(), maxEngines: 1 });
    url = `ws://127.0.0.1:${server.port}/engine`;
  });
  afterAll(() => server.close());

  it('closes a text request over 4 MB with 1009 and says why', async () => {
    const socket = await openSocket(url);
    socket.ws.send(`"${'x'.repeat(MAX_TEXT_REQUEST_BYTES)}"`);
    const closed = await socket.closed;
    expect(closed.code).toBe(1009);
    expect(closed.reason).toBe('a text request may be at most 4.0 MB (this one is 4.0 MB)');
    expect(socket.events).toEqual([]);
  });

  it('closes a binary request declaring a header over 4 MB, without reading it', async () => {
    const socket = await openSocket(url);
    const frame = new Uint8Array(64);
    frame.set([0x42, 0x46, 0x57, 0x31]);
    new DataView(frame.buffer).setUint32(4, 0xffff_fff0, true);
    socket.ws.send(frame);
    const closed = await socket.closed;
    expect(closed.code).toBe(1009);
    expect(closed.reason).toContain("a binary request's header may be at most 4.0 MB");
  });

  it('answers a tab past the engine cap with busy, in words, until another tab closes', async () => {
    const first = await openSocket(url);
    first.ws.send(JSON.stringify({ type: 'export.run', requestId: 1, runId: 1, format: 'tfjs' }));
    await first.waitFor((e) => e.type === 'export.onResult'); // answered by a real engine: 'gone'
    expect(server.engineWorkers).toBe(1);

    const second = await openSocket(url);
    second.ws.send(JSON.stringify({ type: 'train.stop', runId: 4 }));
    const busy = await second.waitFor<{ error: { type: string; message: string } }>(
      (e) => e.type === 'train.onError' && e.runId === 4,
    );
    expect(busy.error).toEqual({
      type: 'busy',
      message:
        'the engine server is busy: it already runs 1 engine, one for each Backflow tab that has used it; ' +
        'close another Backflow tab, then try again',
    });
    expect(server.engineWorkers).toBe(1);

    first.ws.close();
    await eventually(() => server.engineWorkers === 0);
    second.ws.send(JSON.stringify({ type: 'export.run', requestId: 2, runId: 1, format: 'tfjs' }));
    const answer = await second.waitFor<{ result: { ok: boolean; error?: { type: string } } }>(
      (e) => e.type === 'export.onResult' && e.requestId === 2,
    );
    expect(answer.result.error?.type).toBe('gone');
    second.ws.close();
    await eventually(() => server.engineWorkers === 0);
  });

  it('removes the upload folder of an import cut short by a closed tab', async () => {
    expect(uploadsOfThisProcess()).toEqual([]);
    const socket = await openSocket(url);
    // Many files, so the import is still writing them when the tab goes away.
    const files = Array.from({ length: 64 }, (_, i) => ({
      name: i === 0 ? 'model.json' : `shard-${i}.bin`,
      bytes: new Uint8Array(1024 * 1024).fill(i),
    }));
    socket.ws.send(encodeMessage({ type: 'import.model', requestId: 5, files }));
    await eventually(() => uploadsOfThisProcess().length > 0, 60_000);
    socket.ws.terminate();
    await eventually(() => server.engineWorkers === 0);
    // Removed once the worker has ended (engineWorkers drops at its exit, a moment before).
    await eventually(() => uploadsOfThisProcess().length === 0);
  });

  it('sweeps uploads abandoned over an hour ago by a process that is gone when it starts', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const abandoned = join(tmpdir(), `backflow-upload-${dead}-1-Zz9Zz9`);
    mkdirSync(abandoned);
    const when = (Date.now() - STALE_AFTER_MS - 60_000) / 1000;
    utimesSync(abandoned, when, when);
    const fresh = await startServer({ host: '127.0.0.1', port: 0, rendererDir: makeRendererDir() });
    expect(existsSync(abandoned)).toBe(false);
    await fresh.close();
  });
});
