/**
 * Owning the engine worker from the main process (Electron) or the server:
 * start it, send requests, receive events, and report a crash so the UI can
 * say so and start a new engine without losing the design.
 */
import { Worker } from 'node:worker_threads';
import type { EngineHostEvent } from '../../../src-shared/bridge';
import type { EngineEvent, EngineRequest } from '../../../src-shared/protocol';
import { createInterruptRequests } from './interrupt-requests';

export interface EngineHost {
  send(request: EngineRequest): void;
  onEvent(listener: (event: EngineHostEvent) => void): () => void;
  /** Ends the worker; pending runs stop. */
  terminate(): Promise<void>;
}

/** The worker script to run: the bundled entry in Electron, the tsx bootstrap from source. */
export function defaultWorkerUrl(): URL {
  return new URL('./worker-bootstrap.mjs', import.meta.url);
}

export function createEngineHost(workerUrl: URL = defaultWorkerUrl()): EngineHost {
  const listeners = new Set<(event: EngineHostEvent) => void>();
  const emit = (event: EngineHostEvent) => listeners.forEach((listener) => listener(event));
  let exited = false;
  // Pause and stop are also counted in shared memory, which the trainer reads mid-step.
  const interruptRequests = createInterruptRequests();
  const worker = new Worker(workerUrl, { workerData: interruptRequests.workerData });
  worker.on('message', (event: EngineEvent) => emit(event));
  worker.on('error', (error) =>
    emit({ type: 'engine.onExit', code: -1, message: `the engine crashed: ${error.message}` }),
  );
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0)
      emit({ type: 'engine.onExit', code, message: `the engine stopped unexpectedly (exit code ${code})` });
  });
  return {
    send(request) {
      if (exited) throw new Error('the engine is not running; start a new one');
      interruptRequests.beforePosting(request);
      worker.postMessage(request);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async terminate() {
      if (!exited) await worker.terminate();
    },
  };
}
