/**
 * The test-only crash route: absent unless asked for, never with a token,
 * refused to pages, and when on it ends the engine worker as a crash would:
 * the page hears `engine.onExit`, and its next request starts a fresh engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../engine/test-support';
import { startServer, type BackflowServer } from './server';
import { eventually, makeRendererDir, openSocket, rawRequest } from './test-support';
import { CRASH_ENGINES_PATH } from './test-hooks';

const rendererDir = makeRendererDir();
const designText = readFileSync(join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json'), 'utf8');
const start = (runId: number) =>
  JSON.stringify({
    type: 'train.start',
    runId,
    designText,
    designDir: null,
    backend: 'wasm',
    telemetryEvery: 1,
    maxSteps: 100_000,
  });

describe('test hooks', () => {
  let server: BackflowServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('do not exist unless the server is started with them', async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir });
    expect((await rawRequest(server.port, CRASH_ENGINES_PATH, { method: 'POST' })).status).toBe(405);
  });

  it('are ignored on a server that requires a token', async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      rendererDir,
      requireToken: true,
      testHooks: true,
    });
    const path = `${CRASH_ENGINES_PATH}?token=${server.token}`;
    expect((await rawRequest(server.port, path, { method: 'POST' })).status).toBe(405);
  });

  it('end a training worker as a crash would; the next request gets a fresh engine', async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir, testHooks: true });
    const socket = await openSocket(`ws://127.0.0.1:${server.port}/engine`);
    socket.ws.send(start(1));
    await socket.waitFor((e) => e.type === 'train.onStep' && e.runId === 1);

    const fromPage = await rawRequest(server.port, CRASH_ENGINES_PATH, {
      method: 'POST',
      headers: { Origin: `http://127.0.0.1:${server.port}` },
    });
    expect(fromPage.status).toBe(403);
    expect(server.engineWorkers).toBe(1);

    const crash = await rawRequest(server.port, CRASH_ENGINES_PATH, { method: 'POST' });
    expect(crash.status).toBe(200);
    expect(crash.body).toBe('ended 1 engine worker(s)');
    const exit = await socket.waitFor<{ code: number; message: string }>((e) => e.type === 'engine.onExit');
    expect(exit.code).toBe(1);
    expect(exit.message).toMatch(/stopped unexpectedly/);
    await eventually(() => server?.engineWorkers === 0);

    socket.ws.send(start(2));
    await socket.waitFor((e) => e.type === 'train.onStep' && e.runId === 2);
    expect(server.engineWorkers).toBe(1);
    socket.ws.close();
  });
});
