/**
 * Owning the engine worker from the main process (Electron) or the server:
 * start it, send requests, receive events, and report its end once, with the
 * reason (a crash, or a backend that broke and made the worker end itself),
 * so the UI can say so and start a new engine without losing the design.
 */
import { Worker } from 'node:worker_threads';
import type { EngineHostEvent } from '../../../src-shared/bridge';
import type { EngineEvent, EngineRequest } from '../../../src-shared/protocol';
import { removeWorkerTempDirs } from '../transfer/temp-dir';
import { backendFailureMessage, isWorkerExitNotice, type WorkerExitNotice } from './backend-failure';
import { createInterruptRequests } from './interrupt-requests';

export interface EngineHost {
  send(request: EngineRequest): void;
  onEvent(listener: (event: EngineHostEvent) => void): () => void;
  /** Ends the worker; pending runs stop. Resolves once its temporary folders are removed too. */
  terminate(): Promise<void>;
}

/** The worker script to run: the bundled entry in Electron, the tsx bootstrap from source. */
export function defaultWorkerUrl(): URL {
  return new URL('./worker-bootstrap.mjs', import.meta.url);
}

/**
 * The engine worker's JavaScript heap limit: training the MNIST example uses
 * under 256 MB, so 1 GB leaves room while one hostile or huge design cannot
 * take the machine's memory (the worker ends with an out-of-memory error
 * instead, reported as a crash). Tensors live in WebAssembly memory and
 * typed arrays, outside this limit.
 */
export const ENGINE_HEAP_MB = 1024;

export function createEngineHost(workerUrl: URL = defaultWorkerUrl()): EngineHost {
  const listeners = new Set<(event: EngineHostEvent) => void>();
  const emit = (event: EngineHostEvent) => listeners.forEach((listener) => listener(event));
  let exited = false;
  // Why the worker is ending, when it said (backend-failure.ts) or crashed: reported once, on exit.
  let exitReason: string | undefined;
  // Pause and stop are also counted in shared memory, which the trainer reads mid-step.
  const interruptRequests = createInterruptRequests();
  const worker = new Worker(workerUrl, {
    workerData: interruptRequests.workerData,
    resourceLimits: { maxOldGenerationSizeMb: ENGINE_HEAP_MB },
  });
  worker.on('message', (event: EngineEvent | WorkerExitNotice) => {
    if (isWorkerExitNotice(event)) exitReason = backendFailureMessage(event.reason);
    else emit(event);
  });
  worker.on('error', (error) => {
    exitReason ??= `the engine crashed: ${error.message}`;
  });
  // A worker ended mid-import never removes its upload folder itself (tens of MB each time).
  const threadId = worker.threadId;
  let removingTempDirs: Promise<unknown> = Promise.resolve();
  worker.on('exit', (code) => {
    exited = true;
    removingTempDirs = removeWorkerTempDirs(threadId).catch(() => 0);
    if (code !== 0 || exitReason !== undefined) {
      const message = exitReason ?? `the engine stopped unexpectedly (exit code ${code})`;
      emit({ type: 'engine.onExit', code, message });
    }
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
      await removingTempDirs;
    },
  };
}
