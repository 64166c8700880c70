/**
 * The renderer's one view of the engine. Two implementations speak the same
 * messages of src-shared/protocol.ts: Electron IPC through the preload, and a
 * WebSocket to `backflow serve` (browser mode, remote GPU boxes). Components
 * code against this interface only.
 */
import type { EngineHostEvent } from '../../../../src-shared/bridge';
import type { EngineRequest } from '../../../../src-shared/protocol';

/** The state of the link to the engine; IPC is always `open`. */
export type EngineConnectionState = 'connecting' | 'open' | 'closed';

/**
 * Engine events plus what only a transport can know: the engine process
 * ended, the link changed, or (browser mode, slow network) the server dropped
 * the oldest telemetry events rather than buffer without bound.
 */
export type EngineClientEvent =
  | EngineHostEvent
  | { type: 'engine.onConnection'; state: EngineConnectionState; message?: string }
  | { type: 'engine.onTelemetryDropped'; count: number };

export interface EngineClient {
  /** Sends one request. Never throws for a bad request: the engine answers with `train.onError`. */
  send(request: EngineRequest): void;
  /**
   * Subscribes to every event; returns the unsubscribe function. The new
   * listener is first told the current connection state (`engine.onConnection`).
   */
  listen(listener: (event: EngineClientEvent) => void): () => void;
  /** Starts a fresh engine after a crash or a lost connection (the design lives here, not there). */
  restart(): Promise<void>;
  dispose(): void;
}
