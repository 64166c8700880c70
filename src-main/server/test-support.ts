/**
 * Helpers for the server tests: a small renderer folder, raw HTTP requests
 * (no client-side path normalization, so `..` reaches the server as typed),
 * and a `ws` client that collects decoded events. Everything binds to
 * 127.0.0.1 only.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { decodeMessage } from '../../src-shared/wire';

export const INDEX_HTML = '<!doctype html><title>Backflow test page</title>';

/** A folder shaped like out/renderer-web: index.html, assets/app.js, and a secret beside it. */
export function makeRendererDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'backflow-server-'));
  const dir = join(parent, 'renderer-web');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log("app");');
  writeFileSync(join(parent, 'secret.txt'), 'outside the served folder');
  return dir;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with the path sent exactly as given. */
export function rawRequest(
  port: number,
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A `ws` connection to /engine whose decoded events are collected and awaitable. */
export interface TestSocket {
  ws: WebSocket;
  events: { type: string; [key: string]: unknown }[];
  waitFor<T = { type: string; [key: string]: unknown }>(
    predicate: (event: { type: string; [key: string]: unknown }) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
  closed: Promise<{ code: number; reason: string }>;
}

export async function openSocket(url: string, headers?: Record<string, string>): Promise<TestSocket> {
  const ws = new WebSocket(url, { headers });
  const events: TestSocket['events'] = [];
  const waiting = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    events.push(decodeMessage(isBinary ? (data as Buffer) : data.toString()) as TestSocket['events'][number]);
    waiting.forEach((check) => check());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    events,
    closed,
    waitFor(predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(found as never);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`timed out; events so far: ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
  };
}

/** Polls until `condition` holds (for effects that happen after a close). */
export async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
