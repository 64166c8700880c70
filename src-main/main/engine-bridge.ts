/**
 * Between the renderer's IPC and the engine worker: every request is checked
 * (sender frame, then payload against the shared protocol) before it reaches
 * the engine; bad ones are answered with an error event, never a crash. The
 * engine is restarted on demand after a crash, without touching the document
 * (which lives in the renderer).
 */
import type { IpcMain, IpcMainEvent } from 'electron';
import type { EngineHostEvent } from '../../src-shared/bridge';
import {
  carriesDesign,
  CHANNEL_PREFIX,
  ENGINE_EVENT_CHANNEL,
  ENGINE_REQUEST_TYPES,
  parseEngineRequest,
  refusal,
  type EngineRequestType,
} from '../../src-shared/protocol';
import { createEngineHost, type EngineHost } from '../engine/worker/host';

export interface EngineBridgeOptions {
  workerUrl: URL;
  isTrustedSender(event: IpcMainEvent): boolean;
  send(channel: string, payload: EngineHostEvent): void;
  /**
   * The folder of the document main has open (null: never saved). A design's
   * CSV data is read from there; the page never names a path, so whatever
   * `designDir` a request carries is replaced by this.
   */
  designDir(): string | null;
  /** For tests: how to start an engine. */
  createHost?: (url: URL) => EngineHost;
}

export function createEngineBridge(options: EngineBridgeOptions) {
  const createHost = options.createHost ?? createEngineHost;
  let host: EngineHost | undefined;
  const ensureHost = () => {
    if (host) return host;
    const started = createHost(options.workerUrl);
    started.onEvent((event) => {
      if (event.type === 'engine.onExit') host = undefined;
      options.send(ENGINE_EVENT_CHANNEL, event);
    });
    host = started;
    return started;
  };
  const handle = (type: EngineRequestType) => (event: IpcMainEvent, payload: unknown) => {
    if (!options.isTrustedSender(event)) return;
    const request = parseEngineRequest(payload);
    if (!request.ok || request.value.type !== type) {
      const message = request.ok
        ? `channel ${type} carried a ${request.value.type} request`
        : request.error.message;
      options.send(ENGINE_EVENT_CHANNEL, refusal(payload, { type: 'badRequest', message }));
      return;
    }
    const value = request.value;
    ensureHost().send(carriesDesign(value) ? { ...value, designDir: options.designDir() } : value);
  };
  return {
    attach(ipc: Pick<IpcMain, 'on'>) {
      for (const type of ENGINE_REQUEST_TYPES) ipc.on(`${CHANNEL_PREFIX}${type}`, handle(type));
    },
    /** Exposed for tests: the handler of one channel. */
    handler: handle,
    async dispose() {
      await host?.terminate();
      host = undefined;
    },
  };
}
