/**
 * A `backflow serve` that one spec owns, so the spec can crash its engine or
 * kill it outright, which it must never do to the server the whole suite
 * shares. Started with the test hooks on (BACKFLOW_TEST_HOOKS=1), loopback
 * only; the same command a user runs otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CRASH_ENGINES_PATH, TEST_HOOKS_ENV } from '../../src-main/server/test-hooks';

export interface OwnServer {
  /** The page address, e.g. http://127.0.0.1:40123/ */
  url: string;
  port: number;
  /** Ends every engine worker the way a crash does (the server itself keeps running). */
  crashEngines(): Promise<void>;
  /** Kills the whole server process (SIGKILL: no goodbye to the page). */
  kill(): Promise<void>;
}

/** Starts `backflow serve` on `port` (0: any free one) and resolves once it listens. */
export async function startOwnServer(port = 0): Promise<OwnServer> {
  const child: ChildProcess = spawn(process.execPath, ['bin/backflow.mjs', 'serve', '--port', String(port)], {
    env: { ...process.env, [TEST_HOOKS_ENV]: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backflow serve did not start:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /open (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backflow serve exited (${code}):\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    port: Number(new URL(url).port),
    async crashEngines() {
      const response = await fetch(new URL(CRASH_ENGINES_PATH, url), { method: 'POST' });
      if (!response.ok)
        throw new Error(`the crash hook answered ${response.status}: ${await response.text()}`);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
