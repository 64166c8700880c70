/**
 * The HTTP side of `backflow serve` and its access rules: files with their
 * MIME types and the CSP header, no traversal or listing, the Host and Origin
 * checks on loopback, and the token everywhere else (simulated on
 * 127.0.0.1 with requireToken, so no test leaves loopback).
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type BackflowServer } from './server';
import { INDEX_HTML, makeRendererDir, openSocket, rawRequest } from './test-support';

const rendererDir = makeRendererDir();
symlinkSync(join(rendererDir, '..', 'secret.txt'), join(rendererDir, 'link.txt'));

/** How a `ws` upgrade ends: 'open', or the HTTP status it was refused with. */
function upgradeOutcome(url: string, headers?: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    ws.on('error', () => {});
  });
}

describe('backflow serve on loopback', () => {
  let server: BackflowServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir });
  });
  afterAll(() => server.close());

  it('serves index.html with a strict CSP and no token', async () => {
    expect(server.token).toBeNull();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const res = await rawRequest(server.port, '/');
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX_HTML);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("object-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their MIME type and answers HEAD without a body', async () => {
    const res = await rawRequest(server.port, '/assets/app-1234.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toContain('immutable');
    const head = await rawRequest(server.port, '/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it.each([
    ['/../package.json', 400],
    ['/%2e%2e/package.json', 400],
    ['/%2E%2E/%2e%2e/package.json', 400],
    ['/assets/..%2f..%2fsecret.txt', 400],
    ['/..\\secret.txt', 400],
    ['/%00index.html', 400],
    ['/%E0%A4%A', 400],
    ['/link.txt', 404], // a symbolic link out of the folder
    ['/assets/', 404], // no directory listing
    ['/assets', 404],
    ['/missing.js', 404],
  ])('refuses %s with %i', async (path, status) => {
    const res = await rawRequest(server.port, path);
    expect(res.status).toBe(status);
    expect(res.body).not.toContain('outside the served folder');
    expect(res.body).not.toContain('"name": "backflow"');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('accepts only GET and HEAD, and only upgrades on /engine', async () => {
    expect((await rawRequest(server.port, '/', { method: 'POST' })).status).toBe(405);
    expect((await rawRequest(server.port, '/engine')).status).toBe(426);
    expect(await upgradeOutcome(`ws://127.0.0.1:${server.port}/elsewhere`)).toBe(404);
  });

  it('refuses a foreign Host (DNS rebinding) and a WebSocket from another site', async () => {
    const rebound = await rawRequest(server.port, '/', { headers: { Host: `evil.example:${server.port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain(INDEX_HTML);
    const url = `ws://127.0.0.1:${server.port}/engine`;
    expect(await upgradeOutcome(url, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeOutcome(url, { Origin: `http://127.0.0.1:${server.port}` })).toBe('open');
    expect(
      (await rawRequest(server.port, '/', { headers: { Host: `localhost:${server.port}` } })).status,
    ).toBe(200);
  });
});

describe('backflow serve with a token (as on a non-loopback host)', () => {
  let server: BackflowServer;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir, requireToken: true });
  });
  afterAll(() => server.close());

  it('generates a long random token and prints it in the address', () => {
    expect(server.token).toMatch(/^[\w-]{40,}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it.each(['/', '/index.html', '/assets/app-1234.js', '/missing', '/engine', '/?token=wrong', '/?token='])(
    'answers %s without the token with 401 and nothing else',
    async (path) => {
      const res = await rawRequest(server.port, path);
      expect(res.status).toBe(401);
      expect(res.body).not.toContain(INDEX_HTML);
      expect(res.body).not.toContain('console.log');
    },
  );

  it('serves with the token in the query, then by the cookie it sets', async () => {
    const first = await rawRequest(server.port, `/?token=${server.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toBe(INDEX_HTML);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^backflow_token_${server.port}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await rawRequest(server.port, '/assets/app-1234.js', {
      headers: { Cookie: cookie.split(';')[0] },
    });
    expect(asset.status).toBe(200);
    const wrongCookie = await rawRequest(server.port, '/', {
      headers: { Cookie: `backflow_token_${server.port}=nope` },
    });
    expect(wrongCookie.status).toBe(401);
  });

  it('requires the token on the WebSocket upgrade', async () => {
    const url = `ws://127.0.0.1:${server.port}/engine`;
    expect(await upgradeOutcome(url)).toBe(401);
    expect(await upgradeOutcome(`${url}?token=wrong`)).toBe(401);
    expect(await upgradeOutcome(url, { Cookie: `backflow_token_${server.port}=${server.token}` })).toBe(
      'open',
    );
    const socket = await openSocket(`${url}?token=${server.token}`);
    socket.ws.close();
    // With a token, a foreign Host is fine (the token is the proof), but a foreign Origin is not.
    expect(await upgradeOutcome(`${url}?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(403);
  });
});
