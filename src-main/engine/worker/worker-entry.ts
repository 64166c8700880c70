/**
 * The engine's worker thread: training never runs on the thread that owns a
 * window or a socket. Messages from the parent are engine requests; events go
 * back as they happen (typed arrays in telemetry are transferred by structured
 * clone, not stringified). A backend that breaks (out of memory, an aborted
 * WebAssembly instance) ends the worker with a reason, so its host starts a
 * fresh one instead of sending every later request into the broken heap.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngineService } from '../service';
import { BACKEND_FAILED_EXIT_CODE, backendFailure, type WorkerExitNotice } from './backend-failure';
import { openInterruptRequests } from './interrupt-requests';

if (!parentPort) throw new Error('worker-entry must run in a worker thread');
const port = parentPort;
const interruptRequests = openInterruptRequests(workerData);
const service = createEngineService((event) => port.postMessage(event), {
  interruptRequested: interruptRequests?.pending,
  endsEngine(error) {
    const reason = backendFailure(error);
    if (reason === undefined) return false;
    // Posted messages are delivered before the host sees the exit (Node drains the port first).
    const notice: WorkerExitNotice = { type: 'engine.workerExiting', reason };
    port.postMessage(notice);
    process.exit(BACKEND_FAILED_EXIT_CODE); // in a worker thread: ends this thread only
  },
});
port.on('message', (message: unknown) => {
  // handle() never throws; requests for the same run are processed in order of arrival.
  const handled = service.handle(message);
  // Counted down only once the pause or stop has taken effect (see interrupt-requests.ts).
  if (interruptRequests) void handled.finally(() => interruptRequests.afterHandling(message));
});
