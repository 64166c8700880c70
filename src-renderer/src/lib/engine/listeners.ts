/** The listener set both clients share: one failing listener must not starve the others. */
import type { EngineClientEvent } from './client';

export type EngineListener = (event: EngineClientEvent) => void;

export interface ListenerSet {
  add(listener: EngineListener): () => void;
  emit(event: EngineClientEvent): void;
  clear(): void;
}

export function createListenerSet(): ListenerSet {
  const listeners = new Set<EngineListener>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          // A broken view must not stop the others from seeing the run; report it where developers look.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
