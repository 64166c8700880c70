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
import { createEngineRouter, type GpuEngineHost } from './engine-router';

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
  /** How to start the GPU page (main/gpu-window-host.ts); without it every run trains in the worker. */
  createGpuHost?: () => GpuEngineHost;
  /** Why there is no GPU to start the GPU page for, if Chromium already says so. */
  noGpu?: () => string | undefined;
}

export function createEngineBridge(options: EngineBridgeOptions) {
  const createHost = options.createHost ?? createEngineHost;
  const router = createEngineRouter({
    startWorker: () => createHost(options.workerUrl),
    startGpuPage: options.createGpuHost,
    noGpu: options.noGpu,
    emit: (event) => options.send(ENGINE_EVENT_CHANNEL, event),
  });
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
    router.send(carriesDesign(value) ? { ...value, designDir: options.designDir() } : value);
  };
  return {
    attach(ipc: Pick<IpcMain, 'on'>) {
      for (const type of ENGINE_REQUEST_TYPES) ipc.on(`${CHANNEL_PREFIX}${type}`, handle(type));
    },
    /** Exposed for tests: the handler of one channel. */
    handler: handle,
    dispose: () => router.dispose(),
  };
}
