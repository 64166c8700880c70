/**
 * Output-gradient observers for the engine's registered kernels (dense,
 * tap). Kernel attributes carry data, not functions, so a call registers
 * its observer here and passes the id; ids are per call and forgotten after
 * each step.
 */
import type { Tensor } from '../backend/tf';

// Ids index this array (from 1; 0 means none) and restart after each step. A Map keyed by
// ever-growing ids cost ~1 µs a call in a training process, a fifth of a layer's statistics.
const observers: (((dy: Tensor) => void) | undefined)[] = [undefined];

/** Registers an observer for one kernel call; 0 means none. */
export function observerId(observe: ((dy: Tensor) => void) | undefined): number {
  if (!observe) return 0;
  return observers.push(observe) - 1;
}

/** Hands `dy` to the observer registered as `id`, if any. */
export function notifyObserver(id: unknown, dy: Tensor): void {
  if (typeof id === 'number' && id > 0) observers[id]?.(dy);
}

/** Forgets every observer (after a step). */
export function clearObservers(): void {
  observers.length = 1;
}
