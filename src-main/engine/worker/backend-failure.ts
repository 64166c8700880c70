/**
 * Telling a broken backend from an ordinary error. When a backend runs out of
 * memory it does not fail politely: tfjs-backend-wasm either aborts its
 * WebAssembly instance ("Aborted()"), after which every call traps with
 * "memory access out of bounds", or hands back a heap view past the end of
 * memory ("Invalid typed array length"); a native backend reports OOM. None
 * of these leave an engine that can be trusted with another request, so the
 * worker ends itself and its host starts a fresh one (worker-entry.ts,
 * host.ts), and the CLI says so in words.
 */

/** Exit code of an engine worker that ended itself because its backend broke. */
export const BACKEND_FAILED_EXIT_CODE = 70;

/** What the worker posts just before it exits, so the host can say why. */
export interface WorkerExitNotice {
  type: 'engine.workerExiting';
  reason: string;
}

const MEMORY_MESSAGES: readonly RegExp[] = [
  /\bAborted\(/,
  /memory access out of bounds/i,
  /Invalid typed array length/i,
  /Array buffer allocation failed/i,
  /WebAssembly\.Memory/i,
  /out of memory/i,
  /\bOOM when allocating/,
  /ResourceExhausted/i,
];

/**
 * A one-line description of `error` when it means the backend ran out of
 * memory or its WebAssembly instance trapped; undefined for any other error.
 */
export function backendFailure(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const firstLine = message.split('\n')[0].trim();
  if (error instanceof WebAssembly.RuntimeError) return `WebAssembly stopped: ${firstLine || 'a trap'}`;
  if (MEMORY_MESSAGES.some((pattern) => pattern.test(message))) return `out of memory: ${firstLine}`;
  return undefined;
}

/** The user's message for an engine that ended itself: what happened and what to change. */
export function backendFailureMessage(reason: string): string {
  return (
    `the compute backend failed (${reason}), so the engine was shut down and a fresh one starts with ` +
    `the next request; the design is kept. This usually means the run needed more memory than the ` +
    `backend holds: lower the batch size or the layer sizes`
  );
}

/** True for the worker's notice that it is about to exit. */
export function isWorkerExitNotice(message: unknown): message is WorkerExitNotice {
  return (message as { type?: unknown } | null)?.type === 'engine.workerExiting';
}
