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

/** The `files:` block's patterns, in order (a leading ! excludes). */
const filePatterns = [
  ...(/^files:\n((?: {2}.*\n)+)/m.exec(config)?.[1] ?? '').matchAll(/^ {2}- '?([^'\n]+)'?$/gm),
].map((m) => m[1]);

/** Whether electron-builder packs `path`: the last matching pattern decides, as in its glob lists. */
function packs(path: string): boolean {
  let packed = false;
  for (const pattern of filePatterns) {
    const negated = pattern.startsWith('!');
    const glob = (negated ? pattern.slice(1) : pattern)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .split(/\*\*\/?/)
      .map((part) => part.replace(/\*/g, '[^/]*'))
      .join('.*');
    if (new RegExp(`^${glob}$`).test(path)) packed = !negated;
  }
  return packed;
}

describe('electron-builder.yml', () => {
  it('packs the desktop bundles and the GPU engine page, not the command line, the browser-mode renderer or Dawn', () => {
    for (const path of [
      'out/main/index.js',
      'out/main/engine-worker.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/preload/gpu-engine.cjs',
      'out/gpu-engine/index.html',
      'out/gpu-engine/assets/index.js',
    ])
      expect(packs(path), path).toBe(true);
    for (const path of [
      'out/cli/backflow.js',
      'out/renderer-web/index.html',
      'out/main/index.js.map',
      // Dawn: the app's WebGPU is Chromium's own (its GPU engine window).
      'node_modules/webgpu/dist/linux-x64.dawn.node',
      'node_modules/webgpu/package.json',
    ])
      expect(packs(path), path).toBe(false);
  });

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
