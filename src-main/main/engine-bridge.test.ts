/**
 * IPC validation in the main process: untrusted senders are ignored, hostile
 * payloads are answered with a badRequest event and never reach the engine.
 */
import type { IpcMainEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import type { EngineRequest } from '../../src-shared/protocol';
import type { EngineHostEvent } from '../../src-shared/bridge';
import { ENGINE_EVENT_CHANNEL as EVENT_CHANNEL } from '../../src-shared/protocol';
import type { EngineHost } from '../engine/worker/host';
import { createEngineBridge } from './engine-bridge';

function setup() {
  const received: EngineRequest[] = [];
  const sent: EngineHostEvent[] = [];
  const host: EngineHost = {
    send: (r) => void received.push(r),
    onEvent: () => () => {},
    terminate: async () => {},
  };
  const bridge = createEngineBridge({
    workerUrl: new URL('file:///nowhere.js'),
    isTrustedSender: (event) => (event as unknown as { trusted: boolean }).trusted,
    send: (channel, payload) => {
      expect(channel).toBe(EVENT_CHANNEL);
      sent.push(payload);
    },
    createHost: () => host,
    designDir: () => '/home/user/designs',
  });
  const trusted = { trusted: true } as unknown as IpcMainEvent;
  return { bridge, received, sent, trusted };
}

describe('engine bridge', () => {
  it('forwards a valid request from the trusted window', () => {
    const { bridge, received, trusted } = setup();
    bridge.handler('train.pause')(trusted, { type: 'train.pause', runId: 3 });
    expect(received).toEqual([{ type: 'train.pause', runId: 3 }]);
  });

  it('forwards an import with its files as bytes, and an export of a run', () => {
    const { bridge, received, trusted } = setup();
    const files = [{ name: 'model.json', bytes: new Uint8Array([123, 125]) }];
    bridge.handler('import.model')(trusted, { type: 'import.model', requestId: 1, files });
    bridge.handler('export.run')(trusted, { type: 'export.run', requestId: 2, runId: 9, format: 'tfjs' });
    expect(received).toEqual([
      { type: 'import.model', requestId: 1, files },
      { type: 'export.run', requestId: 2, runId: 9, format: 'tfjs' },
    ]);
  });

  it('answers a hostile import with its result, so the page hears back', () => {
    const { bridge, received, sent, trusted } = setup();
    bridge.handler('import.model')(trusted, {
      type: 'import.model',
      requestId: 4,
      files: [{ name: '../../.bashrc', bytes: new Uint8Array(1) }],
    });
    expect(received).toEqual([]);
    expect(sent).toEqual([
      {
        type: 'import.onResult',
        requestId: 4,
        result: {
          ok: false,
          error: {
            type: 'badRequest',
            message: 'import.model: the file name "../../.bashrc" has a folder in it',
          },
        },
      },
    ]);
  });

  it("trains in the open document's folder, whatever folder the page names", () => {
    const { bridge, received, trusted } = setup();
    const start = { type: 'train.start', runId: 1, designText: '{}', backend: 'auto', telemetryEvery: 1 };
    bridge.handler('train.start')(trusted, { ...start, designDir: null });
    bridge.handler('train.start')(trusted, { ...start, designDir: '/etc' });
    expect(received).toEqual([
      { ...start, designDir: '/home/user/designs' },
      { ...start, designDir: '/home/user/designs' },
    ]);
  });

  it("previews in the open document's folder, whatever folder the page names", () => {
    const { bridge, received, trusted } = setup();
    const preview = { type: 'preview.init', requestId: 4, designText: '{}' };
    bridge.handler('preview.init')(trusted, preview);
    bridge.handler('preview.init')(trusted, { ...preview, designDir: '/etc' });
    expect(received).toEqual([
      { ...preview, designDir: '/home/user/designs' },
      { ...preview, designDir: '/home/user/designs' },
    ]);
  });

  it('ignores any other sender', () => {
    const { bridge, received, sent } = setup();
    bridge.handler('train.pause')({ trusted: false } as unknown as IpcMainEvent, {
      type: 'train.pause',
      runId: 3,
    });
    expect(received).toEqual([]);
    expect(sent).toEqual([]);
  });

  const hostile: [string, unknown, string][] = [
    ['wrong types', { type: 'train.start', runId: 'one' }, 'runId must be a whole number'],
    ['a huge string', { type: 'train.stop', runId: 1, note: 'x'.repeat(1e6) }, 'unexpected field "note"'],
    [
      'a prototype pollution key',
      JSON.parse('{"type":"train.stop","runId":1,"constructor":{"prototype":{"x":1}}}'),
      'unexpected field "constructor"',
    ],
    [
      'a request on the wrong channel',
      { type: 'train.stop', runId: 1 },
      'channel train.pause carried a train.stop request',
    ],
    [
      'a relative path escaping',
      {
        type: 'train.start',
        runId: 1,
        designText: '{}',
        designDir: '/tmp/\0../..',
        backend: 'auto',
        telemetryEvery: 1,
      },
      'designDir must be a folder path',
    ],
  ];
  for (const [name, payload, message] of hostile) {
    it(`answers ${name} with badRequest, not a crash`, () => {
      const { bridge, received, sent, trusted } = setup();
      expect(() => bridge.handler('train.pause')(trusted, payload)).not.toThrow();
      expect(received).toEqual([]);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ type: 'train.onError', error: { type: 'badRequest' } });
      expect((sent[0] as { error: { message: string } }).error.message).toContain(message);
    });
  }
});
