import { resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

// The GPU engine's page (src-main/engine/browser/): the engine service on Chromium's own
// WebGPU, for the desktop app's hidden GPU window. A browser build of the engine, so its Node
// built-ins are stubs (nodeBuiltinsUnavailable). Relative asset paths: main loads it from file://.
const here = import.meta.dirname;

/**
 * For the browser build: every `node:` import of
 * the engine resolves to a module with the same export names whose functions
 * throw, naming the built-in and the member, when called. The engine's
 * modules import Node built-ins for what the GPU engine never does (write
 * exports, read CSV files by path, start worker threads); with this they
 * load in a page, and a path that reaches one by mistake fails with a plain
 * message instead of the bundle failing to build or load.
 *
 * The export names are read from Node's own module at build time, so the stub
 * always has what the engine imports.
 */
const PREFIX = '\0backflow-node-unavailable:';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function nodeBuiltinsUnavailable(): Plugin {
  return {
    name: 'backflow-node-builtins-unavailable',
    enforce: 'pre',
    resolveId(id) {
      if (!id.startsWith('node:')) return null;
      const name = id.slice('node:'.length);
      return builtinModules.includes(name) ? `${PREFIX}${name}` : null;
    },
    async load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const real = (await import(`node:${name}`)) as Record<string, unknown>;
      const members = Object.keys(real).filter((key) => key !== 'default' && IDENTIFIER.test(key));
      return stubSource(name, members);
    },
  };
}

/** The stub module's text: one throwing function per member, and a default that throws on any use. */
function stubSource(name: string, members: string[]): string {
  const lines = [
    'function unavailable(member) {',
    `  return function () {`,
    `    throw new Error(${JSON.stringify(`node:${name}`)} + '.' + member + ' is not available in the GPU engine (a browser page)');`,
    '  };',
    '}',
    ...members.map((member) => `export const ${member} = unavailable(${JSON.stringify(member)});`),
    `export default new Proxy({}, { get: (_, member) => unavailable(String(member)) });`,
  ];
  return lines.join('\n');
}

export default defineConfig({
  root: resolve(here, 'src-main/engine/browser'),
  base: './',
  publicDir: false,
  plugins: [nodeBuiltinsUnavailable()],
  build: {
    outDir: resolve(here, 'out/gpu-engine'),
    emptyOutDir: true,
    target: 'chrome120',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 8192,
  },
});
