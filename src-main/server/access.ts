/**
 * Who may talk to `backflow serve`. On loopback, only pages this server
 * serves (Host checked, so a DNS-rebinding site cannot pose as it; WebSocket
 * Origin checked, so another site open in the same browser cannot drive the
 * engine). On any other address a random token is required on every HTTP
 * request and on the WebSocket upgrade, from the query (`?token=`) or the
 * cookie the first request sets.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The cookie that carries the token after the first page load, so assets and
 * the socket need no query. Cookies ignore ports, so the name carries it: two
 * servers on one host must not overwrite each other's.
 */
export function tokenCookieName(port: number): string {
  return `backflow_token_${port}`;
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** A fresh token: 32 random bytes, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface AccessPolicy {
  /** Null when no token is needed (loopback). */
  token: string | null;
  /** `host:port` values a request's Host header may carry; null accepts any (the token protects instead). */
  allowedHosts: Set<string> | null;
  cookieName: string;
}

/** The policy for a server bound to `host:port`; `requireToken` overrides the loopback rule (tests). */
export function createAccessPolicy(options: {
  host: string;
  port: number;
  requireToken?: boolean;
  token?: string;
}): AccessPolicy {
  const needsToken = options.requireToken ?? !isLoopbackHost(options.host);
  const cookieName = tokenCookieName(options.port);
  if (needsToken) return { token: options.token ?? generateToken(), allowedHosts: null, cookieName };
  const names = ['127.0.0.1', 'localhost', '[::1]', options.host.toLowerCase()];
  return { token: null, allowedHosts: new Set(names.map((name) => `${name}:${options.port}`)), cookieName };
}

export type AccessVerdict =
  { ok: true; setCookie: string | null } | { ok: false; status: 401 | 403; message: string };

/** Checks one HTTP request or WebSocket upgrade against the policy. */
export function checkAccess(
  policy: AccessPolicy,
  request: IncomingMessage,
  isUpgrade: boolean,
): AccessVerdict {
  const host = (request.headers.host ?? '').toLowerCase();
  if (policy.allowedHosts && !policy.allowedHosts.has(host))
    return { ok: false, status: 403, message: 'Forbidden: unexpected Host header.' };
  // Browsers always send Origin on a WebSocket upgrade: it must be this very server. Programs that
  // send none (scripts, tests) cannot be steered by a web page, and pass the other checks.
  const origin = request.headers.origin;
  if (isUpgrade && origin !== undefined && !sameOrigin(origin, host))
    return { ok: false, status: 403, message: 'Forbidden: the connection comes from another site.' };
  if (policy.token === null) return { ok: true, setCookie: null };
  const fromQuery = new URLSearchParams((request.url ?? '').split('?')[1] ?? '').get('token');
  const fromCookie = readCookie(request.headers.cookie, policy.cookieName);
  if (fromQuery !== null && tokensEqual(fromQuery, policy.token)) {
    const cookie = `${policy.cookieName}=${policy.token}; Path=/; HttpOnly; SameSite=Strict`;
    return { ok: true, setCookie: isUpgrade ? null : cookie };
  }
  if (fromCookie !== null && tokensEqual(fromCookie, policy.token)) return { ok: true, setCookie: null };
  return {
    ok: false,
    status: 401,
    message: 'Unauthorized: open the address `backflow serve` printed, with its ?token=… part.',
  };
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host;
  } catch {
    return false;
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Response headers for everything served: a strict Content-Security-Policy
 * (own scripts only, no remote content, the socket only to this server) and
 * the usual hardening. `host` is the request's Host, used for the
 * WebSocket source when it is a plain host name.
 */
export function securityHeaders(host: string | undefined): Record<string, string> {
  const sockets =
    host && /^[a-z0-9.-]+(:\d+)?$|^\[[0-9a-f:.]+\](:\d+)?$/i.test(host) ? ` ws://${host} wss://${host}` : '';
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      // Svelte Flow positions nodes with inline style attributes.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      `connect-src 'self'${sockets}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
