/**
 * The renderer's WebSocket EngineClient against a real `backflow serve` and
 * real engine workers (the `ws` package stands in for the browser's
 * WebSocket): it connects, trains, decodes typed arrays, imports and exports
 * models (binary request frames), reports the link, restarts, and finds the
 * token in the page address.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
// The page's client is what this test checks, against the real server: the one place a test
// crosses from src-main into src-renderer (the client has no DOM dependency it cannot be given).
/* eslint-disable no-restricted-imports */
import { EngineCalls } from '../../src-renderer/src/lib/engine/calls';
import type { EngineClient, EngineClientEvent } from '../../src-renderer/src/lib/engine/client';
import { createEngineClient } from '../../src-renderer/src/lib/engine/create-client';
import {
  createWebSocketClient,
  type WebSocketLike,
} from '../../src-renderer/src/lib/engine/websocket-client';
/* eslint-enable no-restricted-imports */
import { EXAMPLES_DIR } from '../engine/test-support';
import { startServer, type BackflowServer } from './server';
import { eventually, makeRendererDir } from './test-support';

const designText = readFileSync(join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json'), 'utf8');
const createSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;
const rendererDir = makeRendererDir();

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function serve(requireToken = false): Promise<BackflowServer> {
  const server = await startServer({ host: '127.0.0.1', port: 0, rendererDir, requireToken });
  cleanup.push(() => server.close());
  return server;
}

function record(client: EngineClient): EngineClientEvent[] {
  const events: EngineClientEvent[] = [];
  cleanup.push(client.listen((event) => events.push(event)));
  cleanup.push(() => client.dispose());
  return events;
}

const start = (runId: number) =>
  ({
    type: 'train.start',
    runId,
    designText,
    designDir: null,
    backend: 'wasm',
    telemetryEvery: 1,
    maxSteps: 3,
  }) as const;

describe('WebSocket EngineClient', () => {
  it('queues a request sent while connecting, trains, and decodes Float32Array telemetry', async () => {
    const server = await serve();
    const client = createWebSocketClient({ url: `ws://127.0.0.1:${server.port}/engine`, createSocket });
    const events = record(client);
    client.send(start(1)); // before the socket is open
    await eventually(() => events.some((e) => e.type === 'train.onState' && e.state === 'finished'), 60_000);
    expect(events[0]).toEqual({ type: 'engine.onConnection', state: 'connecting' });
    expect(events[1]).toEqual({ type: 'engine.onConnection', state: 'open' });
    const steps = events.filter((e) => e.type === 'train.onStep');
    expect(steps.length).toBe(3);
    for (const step of steps) expect(step.type === 'train.onStep' && step.stats).toBeInstanceOf(Float32Array);
  });

  it('imports a model, trains from its weights and exports the trained run, through the page client', async () => {
    const server = await serve();
    const client = createWebSocketClient({ url: `ws://127.0.0.1:${server.port}/engine`, createSocket });
    const events = record(client);
    const calls = new EngineCalls(client);
    const model = join(__dirname, '../../resources/fixtures/models/tfjs-sequential');
    const files = ['model.json', 'weights.bin'].map((name) => ({
      name,
      bytes: new Uint8Array(readFileSync(join(model, name))),
    }));
    const imported = await calls.importModel(files);
    if (!imported.ok) throw new Error(imported.error.message);
    expect(imported.value.weights).toBeInstanceOf(Uint8Array);
    client.send({
      type: 'train.start',
      runId: 5,
      designText: imported.value.designText,
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 1,
      maxSteps: 2,
      initialWeights: imported.value.weights!,
    });
    await eventually(() => events.some((e) => e.type === 'train.onState' && e.state === 'finished'), 60_000);
    expect(events.filter((e) => e.type === 'train.onError')).toEqual([]);
    const exported = await calls.exportModel({ from: 'run', runId: 5 }, 'keras');
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.value.trained).toBe(true);
    expect(exported.value.files.map((f) => f.name)).toEqual(['model.keras']);
    for (const file of exported.value.files) expect(file.bytes).toBeInstanceOf(Uint8Array);
  });

  it('reports a server shutdown, then restarts onto a fresh engine', async () => {
    const server = await serve();
    const client = createWebSocketClient({
      url: `ws://127.0.0.1:${server.port}/engine`,
      createSocket,
      reconnect: false,
    });
    const events = record(client);
    await eventually(() => server.connections === 1);
    client.send(start(2));
    await eventually(() => events.some((e) => e.type === 'train.onStarted'), 60_000);
    await client.restart(); // a new connection: the old worker ends, a new one serves
    await eventually(() => server.connections === 1 && server.engineWorkers === 0);
    client.send(start(3));
    await eventually(
      () => events.some((e) => e.type === 'train.onState' && e.runId === 3 && e.state === 'finished'),
      60_000,
    );
    await server.close();
    await eventually(() => events.at(-1)?.type === 'engine.onConnection');
    expect(events.at(-1)).toEqual({
      type: 'engine.onConnection',
      state: 'closed',
      message: 'the engine server shut down',
    });
    client.send({ type: 'train.stop', runId: 3 });
    const error = events.at(-1);
    expect(error?.type === 'train.onError' && error.error.message).toContain('not sent');
  });

  it('reconnects by itself after the connection drops', async () => {
    const server = await serve();
    const client = createWebSocketClient({
      url: `ws://127.0.0.1:${server.port}/engine`,
      createSocket,
      minDelayMs: 50,
    });
    const events = record(client);
    await eventually(() => server.connections === 1);
    // Drop the connection from the server side, as a network failure would.
    const opened = events.filter((e) => e.type === 'engine.onConnection' && e.state === 'open').length;
    await server.close();
    const again = await startServer({ host: '127.0.0.1', port: server.port, rendererDir });
    cleanup.push(() => again.close());
    await eventually(
      () => events.filter((e) => e.type === 'engine.onConnection' && e.state === 'open').length > opened,
    );
    expect(again.connections).toBe(1);
  });

  it('takes the token from the page address, hides it from the address bar, and is refused without it', async () => {
    const server = await serve(true);
    const replaced: string[] = [];
    const env = {
      location: {
        protocol: 'http:',
        host: `127.0.0.1:${server.port}`,
        search: `?token=${server.token}&x=1`,
        pathname: '/',
        hash: '',
      },
      history: {
        state: null,
        replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)),
      },
    };
    const client = createEngineClient(env, { createSocket });
    const events = record(client);
    await eventually(() => events.some((e) => e.type === 'engine.onConnection' && e.state === 'open'));
    expect(replaced).toEqual(['/?x=1']);

    const refused = createEngineClient(
      { ...env, location: { ...env.location, search: '' } },
      { createSocket, reconnect: false },
    );
    const refusedEvents = record(refused);
    await eventually(() =>
      refusedEvents.some((e) => e.type === 'engine.onConnection' && e.state === 'closed'),
    );
    expect(server.connections).toBe(1);
  });
});
