/**
 * The IPC EngineClient over a stand-in for the preload's API (the preload
 * needs Electron, which cannot run here; the engine behind it is tested in
 * src-main/main). Events pass through untouched, typed arrays included; a
 * request the preload refuses becomes an error event, not an exception.
 */
import { describe, expect, it } from 'vitest';
import type { EngineBridgeApi, EngineHostEvent } from '../../../../src-shared/bridge';
import type { EngineRequest } from '../../../../src-shared/protocol';
import type { EngineClientEvent } from './client';
import { createEngineClient } from './create-client';
import { createIpcClient } from './ipc-client';

function fakePreload() {
  const sent: EngineRequest[] = [];
  const listeners = new Set<(event: EngineHostEvent) => void>();
  const api: EngineBridgeApi = {
    send(request) {
      if (request.type !== 'train.stop') throw new Error('unknown engine request');
      sent.push(request);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { api, sent, listeners, emit: (event: EngineHostEvent) => listeners.forEach((l) => l(event)) };
}

describe('IPC EngineClient', () => {
  it('forwards requests and events, typed arrays intact', () => {
    const preload = fakePreload();
    const client = createIpcClient(preload.api);
    const events: EngineClientEvent[] = [];
    client.listen((event) => events.push(event));
    expect(events).toEqual([{ type: 'engine.onConnection', state: 'open' }]);
    client.send({ type: 'train.stop', runId: 4 });
    expect(preload.sent).toEqual([{ type: 'train.stop', runId: 4 }]);
    const stats = new Float32Array([1, 2]);
    preload.emit({
      type: 'train.onStep',
      runId: 4,
      step: 0,
      epoch: 0,
      loss: 1,
      accuracy: null,
      stats,
    });
    const step = events[1];
    expect(step.type === 'train.onStep' && step.stats).toBe(stats);
  });

  it('turns a refused request into a badRequest event and unsubscribes on dispose', () => {
    const preload = fakePreload();
    const client = createIpcClient(preload.api);
    const events: EngineClientEvent[] = [];
    client.listen((event) => events.push(event));
    client.send({ type: 'train.pause', runId: 2 });
    expect(events[1]).toEqual({
      type: 'train.onError',
      runId: 2,
      error: { type: 'badRequest', message: 'unknown engine request' },
    });
    client.dispose();
    expect(preload.listeners.size).toBe(0);
  });

  it('is what createEngineClient picks when the preload is there', () => {
    const preload = fakePreload();
    const client = createEngineClient({
      backflow: { engine: preload.api },
      location: { protocol: 'file:', host: '', search: '', pathname: '/', hash: '' },
    });
    client.send({ type: 'train.stop', runId: 1 });
    expect(preload.sent).toHaveLength(1);
    client.dispose();
  });
});
