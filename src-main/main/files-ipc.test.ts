/** The IPC layer: untrusted frames get nothing; drops open only a .json file, through the grant list. */
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { FILE_CHANNELS } from '../../src-shared/files-protocol';
import type { FileService } from './file-service';
import { createFilesIpc } from './files-ipc';

function setup() {
  const calls: unknown[][] = [];
  const service = {
    handle: async (...args: unknown[]) => (calls.push(args), { ok: true, value: null }),
    requestOpen: (path: string) => void calls.push(['requestOpen', path]),
  } as unknown as FileService;
  const ipc = createFilesIpc({
    service,
    isTrustedSender: (event) => (event as unknown as { trusted: boolean }).trusted,
  });
  const trusted = { trusted: true } as unknown as IpcMainInvokeEvent & IpcMainEvent;
  const stranger = { trusted: false } as unknown as IpcMainInvokeEvent & IpcMainEvent;
  return { ipc, calls, trusted, stranger };
}

describe('files IPC', () => {
  it('registers every file channel', () => {
    const { ipc } = setup();
    const handled: string[] = [];
    const on: string[] = [];
    ipc.attach(
      { handle: (c: string) => void handled.push(c), on: (c: string) => on.push(c) } as never,
      'drop',
    );
    expect(handled.sort()).toEqual(Object.values(FILE_CHANNELS).sort());
    expect(on).toEqual(['drop']);
  });

  it('answers an unknown frame with notAllowed and never reaches the service', async () => {
    const { ipc, calls, stranger } = setup();
    expect(await ipc.handler('save')(stranger, { text: '{}' })).toMatchObject({
      error: { type: 'notAllowed' },
    });
    ipc.onDropped(stranger, { paths: ['/a.backflow.json'] });
    expect(calls).toEqual([]);
  });

  it('answers an unknown frame on the export and import channels without a dialog or a write', async () => {
    const { ipc, calls, stranger } = setup();
    const files = [{ name: 'model.json', bytes: new Uint8Array(2) }];
    expect(await ipc.handler('exportModel')(stranger, { suggestedName: 'x', files })).toMatchObject({
      error: { type: 'notAllowed' },
    });
    expect(await ipc.handler('importModel')(stranger, undefined)).toMatchObject({
      error: { type: 'notAllowed' },
    });
    expect(calls).toEqual([]);
  });

  it('forwards a trusted request as is (the service validates it)', async () => {
    const { ipc, calls, trusted } = setup();
    await ipc.handler('recent')(trusted, undefined);
    expect(calls).toEqual([['recent', undefined]]);
  });

  it('opens the first dropped .json file and ignores hostile drops', () => {
    const { ipc, calls, trusted } = setup();
    for (const payload of [
      null,
      'x',
      { paths: 'x' },
      { paths: ['/a.txt'] },
      { paths: ['rel.json'] },
      { paths: new Array(1000).fill('/a.json') },
      { paths: ['/a.json'], extra: 1 },
      JSON.parse('{"paths":["/a.json"],"__proto__":{"x":1}}'),
    ])
      expect(() => ipc.onDropped(trusted, payload)).not.toThrow();
    expect(calls).toEqual([]);
    ipc.onDropped(trusted, { paths: ['/notes.txt', '/x/net.backflow.json', '/y.json'] });
    expect(calls).toEqual([['requestOpen', '/x/net.backflow.json']]);
  });
});
