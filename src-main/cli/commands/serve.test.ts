/**
 * `backflow serve` as a command: it prints the address to open, serves until
 * told to stop, then shuts down and exits 0; bad options are usage errors.
 * (The renderer build itself is exercised by the Playwright run, which starts
 * `node bin/backflow.mjs serve`.)
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { BackflowServer } from '../../server/server';
import { makeRendererDir } from '../../server/test-support';
import { UsageError } from '../io';
import { captureIO } from '../test-io';
import { serveCommand } from './serve';

const get = (url: string) =>
  new Promise<number>((resolve, reject) =>
    request(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end(),
  );

describe('backflow serve', () => {
  it('prints the address, serves, and stops cleanly', async () => {
    const io = captureIO();
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    let server: BackflowServer | undefined;
    const done = serveCommand({ port: '0', host: '127.0.0.1' }, io, {
      rendererDir: makeRendererDir(),
      until,
      onListening: (s) => (server = s),
    });
    await expect.poll(() => server).toBeDefined();
    expect(io.stdout()).toContain(`open http://127.0.0.1:${server!.port}/\n`);
    expect(await get(server!.url)).toBe(200);
    stop();
    expect(await done).toBe(0);
    expect(io.stdout()).toContain('Stopped.');
    await expect(get(server!.url)).rejects.toThrow();
  });

  it.each([
    [{ port: 'eighty' }, '--port must be a whole number from 0 to 65535'],
    [{ port: '70000' }, '--port must be a whole number'],
    [{ host: 'a host; rm -rf' }, '--host must be a host name or address'],
  ])('%j is a usage error', async (values, message) => {
    const io = captureIO();
    const run = serveCommand(values, io, { rendererDir: makeRendererDir(), until: Promise.resolve() });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
  });

  it('says plainly when the port is taken', async () => {
    const first = captureIO();
    let stop!: () => void;
    let server: BackflowServer | undefined;
    const done = serveCommand({ port: '0' }, first, {
      rendererDir: makeRendererDir(),
      until: new Promise<void>((resolve) => (stop = resolve)),
      onListening: (s) => (server = s),
    });
    await expect.poll(() => server).toBeDefined();
    const second = captureIO();
    expect(
      await serveCommand({ port: String(server!.port) }, second, { rendererDir: makeRendererDir() }),
    ).toBe(1);
    expect(second.stderr()).toContain('already in use');
    stop();
    await done;
  });
});
