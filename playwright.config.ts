import { createServer } from 'node:net';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/helpers/chromium';

/**
 * End-to-end tests drive the browser mode, `backflow serve` (the built
 * renderer plus a real engine over WebSocket; no Electron, whose binary cannot
 * be downloaded on CI machines), in Debian's Chromium. `serve` rebuilds the
 * renderer first when its sources changed.
 */

/** A port nobody listens on. Workers inherit the variable, so all processes agree on it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

process.env.BACKFLOW_RENDERER_PORT ??= String(await freePort());
const port = Number(process.env.BACKFLOW_RENDERER_PORT);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: `node bin/backflow.mjs serve --port ${port}`,
    url: baseURL,
    reuseExistingServer: false,
    // Room for a renderer build (about 10 s here) on a busy machine.
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
