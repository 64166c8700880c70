/**
 * The EngineClient in Electron: requests go through the preload's small API
 * (`window.backflow.engine`), which main validates again before its engine
 * worker sees them. Events arrive by structured clone, so typed arrays are
 * already typed arrays: nothing to decode.
 */
import type { EngineBridgeApi } from '../../../../src-shared/bridge';
import { refusal } from '../../../../src-shared/protocol';
import type { EngineClient, EngineClientEvent } from './client';
import { createListenerSet } from './listeners';

/** True when `value` looks like the preload's engine API. */
export function isEngineBridgeApi(value: unknown): value is EngineBridgeApi {
  const api = value as Partial<EngineBridgeApi> | null;
  return (
    typeof api === 'object' &&
    api !== null &&
    typeof api.send === 'function' &&
    typeof api.onEvent === 'function'
  );
}

/**
 * An EngineClient over Electron IPC. Main starts a fresh engine with the
 * first request after a crash, so `restart()` only has to say the link is
 * usable again.
 */
export function createIpcClient(api: EngineBridgeApi): EngineClient {
  const listeners = createListenerSet();
  let unsubscribe: (() => void) | undefined = api.onEvent((event) => listeners.emit(event));
  const open: EngineClientEvent = { type: 'engine.onConnection', state: 'open' };

  return {
    send(request) {
      try {
        api.send(request);
      } catch (error) {
        // The preload refuses unknown request types by throwing; the interface promises an event instead.
        listeners.emit(
          refusal(request, { type: 'badRequest', message: (error as Error)?.message ?? String(error) }),
        );
      }
    },
    listen(listener) {
      const off = listeners.add(listener);
      listener(open);
      return off;
    },
    async restart() {
      listeners.emit(open);
    },
    dispose() {
      unsubscribe?.();
      unsubscribe = undefined;
      listeners.clear();
    },
  };
}
