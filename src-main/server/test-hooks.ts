/**
 * Test-only routes of `backflow serve`, for the end-to-end tests of crash
 * recovery: `POST /__test__/crash-engines` ends every engine worker the way
 * a crash does (exit code 1; each page is sent `engine.onExit`). They exist
 * only when the server is started with `testHooks`, which `backflow serve`
 * sets only when BACKFLOW_TEST_HOOKS=1 and only on loopback: no user of the
 * app can reach them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineHost } from '../engine/worker/host';
import { sendText } from './static-files';

/** The environment variable that turns the hooks on for `backflow serve`. */
export const TEST_HOOKS_ENV = 'BACKFLOW_TEST_HOOKS';
export const CRASH_ENGINES_PATH = '/__test__/crash-engines';

/**
 * Answers `request` if it is a test hook and returns true; false for
 * anything else (the server then handles it as usual).
 */
export function handleTestHook(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  workers: ReadonlySet<EngineHost>,
  headers: Record<string, string>,
): boolean {
  if (path !== CRASH_ENGINES_PATH || request.method !== 'POST') return false;
  // Not from a page: a test runner's request carries no Origin.
  if (request.headers.origin !== undefined) {
    sendText(response, 403, 'Test hooks answer test runners, not pages.', headers);
    return true;
  }
  const ending = [...workers];
  for (const worker of ending) void worker.terminate().catch(() => {});
  sendText(response, 200, `ended ${ending.length} engine worker(s)`, headers);
  return true;
}
