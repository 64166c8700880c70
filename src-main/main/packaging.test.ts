/**
 * The packaging config's hardening, read as electron-builder reads it: the fuses
 * that keep a packaged Backflow from being run as Node, taking NODE_OPTIONS or
 * --inspect, or loading code from outside its checked archive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const config = readFileSync(join(__dirname, '../../electron-builder.yml'), 'utf8');
/** The `electronFuses` block as key → value. */
const fuses = Object.fromEntries(
  [...(config.split('electronFuses:')[1] ?? '').matchAll(/^ {2}(\w+): (true|false)$/gm)].map((m) => [
    m[1],
    m[2],
  ]),
);

describe('electron-builder.yml', () => {
  it('flips the fuses that harden the packaged binary', () => {
    expect(fuses).toMatchObject({
      runAsNode: 'false',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
    });
  });

  it('unpacks the WebAssembly binaries the engine reads by path', () => {
    expect(config).toContain('node_modules/@tensorflow/tfjs-backend-wasm/**/*.wasm');
  });
});
