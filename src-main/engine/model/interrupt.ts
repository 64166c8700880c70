/**
 * Abandoning a forward or backward pass part-way, so a pause or stop takes
 * effect within about one layer's work instead of a whole step's (on two
 * loaded cores a 100-layer step takes over 100 ms).
 *
 * The passes call {@link throwIfInterrupted} between layers (forward.ts) and
 * from the engine's own gradients (dense, add, tap, convolution). It throws
 * only inside {@link interruptibly}, and only while that call's source says
 * a pause or stop is on its way: the trainer wraps its steps, boundaries and
 * evaluations in it; exports, imports and the CLI never are, so a pending
 * pause cannot break them.
 */
import { discardAbandonedTape } from '../backend/scope';

/** Thrown by {@link throwIfInterrupted}; the work it ended changed nothing that outlives it. */
export class TrainingInterrupted extends Error {
  constructor() {
    super('interrupted by a pause or stop request');
    this.name = 'TrainingInterrupted';
  }
}

/** True while a request that should interrupt the running work is pending. */
export type InterruptSource = () => boolean;

let active: InterruptSource | undefined;

/**
 * Runs `work` with `source` deciding whether the checks inside it throw;
 * `undefined` makes it uninterruptible. An interruption propagates as
 * {@link TrainingInterrupted} after the gradient tape it abandoned is freed:
 * tfjs frees the tensors its tape saved for the backward pass only when that
 * pass completes, so without this every interrupted step would leak them.
 */
export function interruptibly<T>(source: InterruptSource | undefined, work: () => T): T {
  const outer = active;
  active = source;
  try {
    return work();
  } catch (error) {
    if (error instanceof TrainingInterrupted) discardAbandonedTape();
    throw error;
  } finally {
    active = outer;
  }
}

/**
 * Throws {@link TrainingInterrupted} if the enclosing {@link interruptibly}'s
 * source reports a pending request. Costs a function call and, in the worker,
 * an atomic load: cheap enough to run once per layer in both passes.
 */
export function throwIfInterrupted(): void {
  if (active?.()) throw new TrainingInterrupted();
}
