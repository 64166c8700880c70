/**
 * The renderer's one view of the engine. Two implementations speak the same
 * messages of src-shared/protocol.ts: Electron IPC through the preload, and a
 * WebSocket to `backflow serve` (browser mode, remote GPU boxes). Components
 * code against this interface only.
 */
import type { EngineEvent, EngineRequest } from '../../../../src-shared/protocol';

/** Engine events plus what only a transport can know: the engine process ended, the link changed. */
export type EngineClientEvent =
  | EngineEvent
  | { type: 'engine.onExit'; code: number; message: string }
  | { type: 'engine.onConnection'; state: 'connecting' | 'open' | 'closed'; message?: string };

export interface EngineClient {
  /** Sends one request. Never throws for a bad request: the engine answers with `train.onError`. */
  send(request: EngineRequest): void;
  /** Subscribes to every event; returns the unsubscribe function. */
  listen(listener: (event: EngineClientEvent) => void): () => void;
  /** Starts a fresh engine after a crash or a lost connection (the design lives here, not there). */
  restart(): Promise<void>;
  dispose(): void;
}
