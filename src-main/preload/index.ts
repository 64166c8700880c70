/**
 * The contextBridge facade: a small typed API over the shared protocol,
 * never raw ipcRenderer. Runs sandboxed, so it imports only electron and
 * shared types (bundled into one CommonJS file).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EngineEvent, EngineRequest } from '../../src-shared/protocol';

const PREFIX = 'backflow:';
const REQUEST_TYPES = new Set(['train.start', 'train.pause', 'train.resume', 'train.step', 'train.stop']);

type EngineHostEvent = EngineEvent | { type: 'engine.onExit'; code: number; message: string };

const api = {
  engine: {
    /** Sends one request; main validates it again. */
    send(request: EngineRequest): void {
      if (!request || !REQUEST_TYPES.has(request.type)) throw new Error('unknown engine request');
      ipcRenderer.send(`${PREFIX}${request.type}`, request);
    },
    /** Subscribes to engine events; returns the unsubscribe function. */
    onEvent(listener: (event: EngineHostEvent) => void): () => void {
      const wrapped = (_event: IpcRendererEvent, payload: EngineHostEvent) => listener(payload);
      ipcRenderer.on(`${PREFIX}engine.onEvent`, wrapped);
      return () => ipcRenderer.removeListener(`${PREFIX}engine.onEvent`, wrapped);
    },
  },
  platform: process.platform,
};

export type BackflowBridge = typeof api;

contextBridge.exposeInMainWorld('backflow', api);
