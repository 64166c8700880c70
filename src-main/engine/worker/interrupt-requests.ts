/**
 * Pause and Stop must take effect within 100 ms, but the worker reads its
 * messages only between pieces of work, and on two loaded cores one step of
 * a 100-layer network takes longer than that. So the host also counts the
 * pause and stop requests it sends in memory the worker shares, and the
 * trainer, reading the count between layers (model/interrupt.ts), abandons
 * the step it is computing to let the request in.
 *
 * The protocol. The count (one Int32 of a SharedArrayBuffer the host makes
 * and hands to the worker as workerData) is the number of pause and stop
 * requests posted but not yet handled:
 * - the host adds 1 *before* posting one, so a message the worker can read
 *   is always covered by the count;
 * - the worker subtracts 1 once it has handled one (the trainer's state has
 *   changed), whatever it did: a stale run's request, or a pause of a run
 *   already paused, counts the same;
 * - the trainer abandons its work while the count is above 0, then waits
 *   (yielding to the event loop) until it is back to 0 before it looks at
 *   its state, and carries on from there: stopped, it returns; paused, it
 *   waits; still running, it trains the same batch again.
 * A count rather than a flag: a flag cleared on handling the first of two
 * requests sent in quick succession (pause, then stop) would drop the
 * second's signal, and a flag set but never cleared would abandon every
 * step that followed.
 *
 * Races, handled on purpose:
 * - the count rises before the message arrives: the trainer waits for the
 *   count, not for a state change, so it never resumes work the message is
 *   about to stop;
 * - pause then resume in quick succession: the step is abandoned, both are
 *   handled in order, the state ends up running and the batch is redone;
 * - stop while paused: nothing is computing; the stop is handled as before;
 * - Step while paused: Step itself interrupts nothing; a stop during the
 *   single step ends the run, a pause (the run is already paused) makes the
 *   trainer do the step again;
 * - a stale run's pause or stop: it costs the current run one abandoned
 *   piece of work, redone at once.
 */
import type { InterruptSource } from '../model/interrupt';

/** What the host passes to the engine worker as `workerData`. */
export interface EngineWorkerData {
  interruptRequests: SharedArrayBuffer;
}

/** True for the requests the trainer abandons its work for: `train.pause` and `train.stop`. */
export function interrupts(message: unknown): boolean {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'train.pause' || type === 'train.stop';
}

/** The host's side: the shared count, and the call to make before posting each request. */
export function createInterruptRequests(): {
  workerData: EngineWorkerData;
  /** Call before posting `request`. */
  beforePosting(request: unknown): void;
} {
  const buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const count = new Int32Array(buffer);
  return {
    workerData: { interruptRequests: buffer },
    beforePosting(request) {
      if (interrupts(request)) Atomics.add(count, 0, 1);
    },
  };
}

/**
 * The worker's side, or undefined when the host shared no count (the trainer
 * then notices pause and stop between steps only).
 */
export function openInterruptRequests(workerData: unknown):
  | {
      /** The trainer's interrupt source: a pause or stop is on its way. */
      pending: InterruptSource;
      /** Call once `message` has been handled. */
      afterHandling(message: unknown): void;
    }
  | undefined {
  const buffer = (workerData as Partial<EngineWorkerData> | null)?.interruptRequests;
  if (!(buffer instanceof SharedArrayBuffer)) return undefined;
  const count = new Int32Array(buffer);
  return {
    pending: () => Atomics.load(count, 0) > 0,
    afterHandling(message) {
      if (interrupts(message)) Atomics.sub(count, 0, 1);
    },
  };
}
