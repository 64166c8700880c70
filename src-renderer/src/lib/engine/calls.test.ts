/**
 * Request/reply over the one-way EngineClient: each call resolves with the
 * reply carrying its own requestId (others are ignored), and with an error
 * rather than never when the engine goes away before answering.
 */
import { describe, expect, it } from 'vitest';
import type { EngineRequest } from '../../../../src-shared/protocol';
import { EngineCalls } from './calls';
import type { EngineClient, EngineClientEvent } from './client';
import { createListenerSet } from './listeners';

function fakeClient(initial: EngineClientEvent = { type: 'engine.onConnection', state: 'open' }) {
  const listeners = createListenerSet();
  const sent: EngineRequest[] = [];
  const client: EngineClient = {
    send: (request) => void sent.push(request),
    listen(listener) {
      const off = listeners.add(listener);
      listener(initial);
      return off;
    },
    restart: async () => {},
    dispose: () => listeners.clear(),
  };
  return { client, sent, emit: (event: EngineClientEvent) => listeners.emit(event) };
}

const files = [{ name: 'model.json', bytes: new Uint8Array([123, 125]) }];

describe('EngineCalls', () => {
  it('resolves each call with the reply that carries its requestId', async () => {
    const fake = fakeClient();
    const calls = new EngineCalls(fake.client);
    const first = calls.importModel(files);
    const second = calls.exportModel({ from: 'run', runId: 8 }, 'keras');
    expect(fake.sent).toEqual([
      { type: 'import.model', requestId: 1, files },
      { type: 'export.run', requestId: 2, runId: 8, format: 'keras' },
    ]);
    const exported = { format: 'keras' as const, designName: 'x', trained: true, files: [] };
    fake.emit({ type: 'export.onResult', requestId: 2, result: { ok: true, value: exported } });
    fake.emit({ type: 'export.onResult', requestId: 1, result: { ok: true, value: exported } }); // not an import's
    const error = { type: 'model' as const, message: 'no' };
    fake.emit({ type: 'import.onResult', requestId: 1, result: { ok: false, error } });
    expect(await second).toEqual({ ok: true, value: exported });
    expect(await first).toEqual({ ok: false, error });
  });

  it('asks for the preview at initialisation, with the CSV file only when there is one', async () => {
    const fake = fakeClient();
    const calls = new EngineCalls(fake.client);
    const dataFile = { name: 'd.csv', bytes: new Uint8Array([1]) };
    const first = calls.previewInit('{"a":1}');
    void calls.previewInit('{}', dataFile);
    expect(fake.sent).toEqual([
      { type: 'preview.init', requestId: 1, designText: '{"a":1}' },
      { type: 'preview.init', requestId: 2, designText: '{}', dataFile },
    ]);
    const error = { type: 'design' as const, message: 'bad' };
    fake.emit({ type: 'export.onResult', requestId: 1, result: { ok: false, error } }); // not a preview's
    fake.emit({ type: 'preview.onResult', requestId: 1, result: { ok: false, error } });
    expect(await first).toEqual({ ok: false, error });
  });

  it('sends pretrained weights with an initial export only when there are some', () => {
    const fake = fakeClient();
    const calls = new EngineCalls(fake.client);
    void calls.exportModel({ from: 'initial', designText: '{}' }, 'tfjs');
    const weights = new Uint8Array(8);
    void calls.exportModel({ from: 'initial', designText: '{}', initialWeights: weights }, 'tfjs');
    expect(fake.sent).toEqual([
      { type: 'export.initial', requestId: 1, designText: '{}', format: 'tfjs' },
      { type: 'export.initial', requestId: 2, designText: '{}', format: 'tfjs', initialWeights: weights },
    ]);
  });

  it('resolves with an error when the engine exits or the link closes first', async () => {
    const fake = fakeClient();
    const calls = new EngineCalls(fake.client);
    const pending = calls.importModel(files);
    fake.emit({ type: 'engine.onExit', code: 1, message: 'the engine crashed: out of memory' });
    expect(await pending).toEqual({
      ok: false,
      error: { type: 'internal', message: 'the engine crashed: out of memory' },
    });
    const closed = fakeClient({ type: 'engine.onConnection', state: 'closed', message: 'server gone' });
    const offline = new EngineCalls(closed.client);
    expect(await offline.importModel(files)).toEqual({
      ok: false,
      error: { type: 'internal', message: 'server gone' },
    });
    expect(closed.sent).toEqual([]);
  });
});
