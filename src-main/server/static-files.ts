/**
 * The built renderer as static files: regular files under one folder only,
 * never a directory listing, never a path outside it (no `..`, encoded or
 * not, no backslashes or NULs, no symbolic link leading out).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type for a file name; unknown extensions are served as opaque bytes. */
export function mimeType(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `root`, or null when the path is not one
 * this server could ever serve. Works on the raw path: each segment is
 * decoded once and must be a plain name.
 */
export function resolveStaticPath(root: string, rawUrl: string): string | null {
  const pathname = rawUrl.split(/[?#]/, 1)[0];
  if (!pathname.startsWith('/')) return null;
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '') continue; // `//` and a trailing slash
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  const path = segments.length === 0 ? join(root, 'index.html') : join(root, ...segments);
  return path.startsWith(root + sep) ? path : null;
}

/** Serves a GET or HEAD for `rawUrl` from `root` (an absolute, real path). */
export async function serveStatic(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  const path = resolveStaticPath(root, request.url ?? '/');
  if (path === null) return sendText(response, 400, 'Bad request: not a file path.', headers);
  let real: string;
  try {
    real = await realpath(path);
    if (!real.startsWith(root + sep) || !(await stat(real)).isFile()) throw new Error('not a file');
  } catch {
    return sendText(response, 404, 'Not found.', headers);
  }
  const info = await stat(real);
  // Vite fingerprints asset names, so they never change; the page itself must be revalidated.
  const immutable = real.startsWith(join(root, 'assets') + sep);
  response.writeHead(200, {
    ...headers,
    'Content-Type': mimeType(real),
    'Content-Length': String(info.size),
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') return void response.end();
  // pipeline closes the file when the client goes away mid-transfer.
  await pipeline(createReadStream(real), response).catch(() => response.destroy());
}

/** A short plain-text answer (errors), with the security headers. */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
  extra: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...headers,
    ...extra,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}
