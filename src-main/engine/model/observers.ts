/**
 * Output-gradient observers for the engine's registered kernels (dense,
 * tap). Kernel attributes carry data, not functions, so a call registers
 * its observer here and passes the id; ids are per call and forgotten after
 * each step.
 */
import type { Tensor } from '../backend/tf';

const observers = new Map<number, (dy: Tensor) => void>();
let nextObserver = 1;

/** Registers an observer for one kernel call; 0 means none. */
export function observerId(observe: ((dy: Tensor) => void) | undefined): number {
  if (!observe) return 0;
  const id = nextObserver++;
  observers.set(id, observe);
  return id;
}

/** Hands `dy` to the observer registered as `id`, if any. */
export function notifyObserver(id: unknown, dy: Tensor): void {
  observers.get(id as number)?.(dy);
}

/** Forgets every observer (after a step). */
export function clearObservers(): void {
  observers.clear();
}
