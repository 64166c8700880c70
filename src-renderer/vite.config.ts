import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Serves and builds the renderer on its own, without Electron, for the
// end-to-end tests and the benchmark (the Electron build goes through
// electron.vite.config.ts with the same root and plugin). Paths are built from
// import.meta.dirname: this folder's lint zone forbids Node built-ins.
const here = import.meta.dirname;
const port = Number(process.env.BACKFLOW_RENDERER_PORT ?? process.env.PORT ?? 5173);

/**
 * The web build drops index.html's meta Content-Security-Policy, which is the
 * desktop app's (no sockets: it talks IPC). `backflow serve` sends the policy
 * as a header instead, naming its own WebSocket address (server/access.ts).
 */
const headerPolicyOnly = {
  name: 'backflow-header-csp-only',
  transformIndexHtml: (html: string) =>
    html.replace(/\s*<meta\s+http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

export default defineConfig({
  root: here,
  plugins: [svelte(), headerPolicyOnly],
  server: {
    port,
    strictPort: true,
    host: '127.0.0.1',
    // The example designs live in resources/, beside src-renderer/.
    fs: { allow: [`${here}/..`] },
  },
  preview: { port, strictPort: true, host: '127.0.0.1' },
  build: {
    outDir: `${here}/../out/renderer-web`,
    emptyOutDir: true,
  },
});
