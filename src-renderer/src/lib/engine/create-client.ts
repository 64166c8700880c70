/**
 * The one place the renderer chooses its transport: Electron IPC when the
 * preload put `window.backflow` there, otherwise a WebSocket to the server
 * that served this page (`backflow serve`).
 */
import type { EngineClient } from './client';
import { createIpcClient, isEngineBridgeApi } from './ipc-client';
import { createWebSocketClient, type WebSocketClientOptions } from './websocket-client';

/** The bits of `window` the choice depends on (a test passes its own). */
export interface ClientEnvironment {
  backflow?: { engine?: unknown };
  location: Pick<Location, 'protocol' | 'host' | 'search' | 'pathname' | 'hash'>;
  history?: Pick<History, 'replaceState' | 'state'>;
}

/** The engine endpoint for a page served from `location`: same origin, path `/engine`. */
export function engineSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/engine`;
}

/**
 * Creates the EngineClient for this page. In browser mode the `?token=` of
 * the page's address is kept in memory and removed from the address bar
 * (the server has also set it as an HttpOnly cookie, so a reload still works),
 * so it does not end up in bookmarks, screenshots or shared links.
 */
export function createEngineClient(
  env: ClientEnvironment = globalThis as unknown as ClientEnvironment,
  options: Partial<WebSocketClientOptions> = {},
): EngineClient {
  const bridge = env.backflow?.engine;
  if (isEngineBridgeApi(bridge)) return createIpcClient(bridge);
  const params = new URLSearchParams(env.location.search);
  const token = params.get('token');
  if (token !== null && env.history) {
    params.delete('token');
    const query = params.toString();
    env.history.replaceState(
      env.history.state,
      '',
      `${env.location.pathname}${query ? `?${query}` : ''}${env.location.hash}`,
    );
  }
  return createWebSocketClient({ url: engineSocketUrl(env.location), token, ...options });
}
