/**
 * The desktop app's GPU engine window, as built (out/main, out/preload/gpu-engine.cjs,
 * out/gpu-engine), on the Electron double with Chromium's WebGPU on SwiftShader
 * (ELECTRON_DOUBLE_WEBGPU=1): main's real host opens the hidden window, its
 * preload hands the page a MessagePort, and runs and exports cross it. The
 * real Electron is not on these machines (desktop.spec.ts says so when it skips).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { EngineEvent } from '../src-shared/protocol';
import { launchDesktop, ROOT, type DesktopApp } from './helpers/desktop';

const GPU_WINDOW = 'Backflow GPU engine';
let app: DesktopApp | undefined;

test.afterEach(async () => {
  await app?.kill();
  app = undefined;
});

/** Sends engine requests through the page's own bridge and collects events until `until` says done. */
async function throughBridge(
  requests: object[],
  until: { type: string; runId?: number; requestId?: number },
) {
  return app!.page.evaluate(
    ([requests, until]) =>
      new Promise<EngineEvent[]>((resolve) => {
        const engine = (
          window as unknown as {
            backflow: { engine: { send(r: object): void; onEvent(l: (e: EngineEvent) => void): () => void } };
          }
        ).backflow.engine;
        const events: EngineEvent[] = [];
        const off = engine.onEvent((event) => {
          const mine =
            ('runId' in event && event.runId === until.runId) ||
            ('requestId' in event && event.requestId === until.requestId);
          if (!mine) return;
          events.push(event);
          const done =
            event.type === until.type &&
            (event.type !== 'train.onState' || (event.state !== 'running' && event.state !== 'paused'));
          if (done || event.type === 'train.onError') {
            off();
            resolve(events);
          }
        });
        for (const request of requests) engine.send(request);
      }),
    [requests, until] as const,
  );
}

test('the GPU engine window: asked for its adapter at start, closed for a software one, trains a webgpu run whose ONNX export the worker writes', async () => {
  test.setTimeout(180_000);
  app = await launchDesktop({
    userData: join(mkdtempSync(join(tmpdir(), 'backflow-gpu-')), 'user-data'),
    env: { ELECTRON_DOUBLE_WEBGPU: '1' },
  });
  await expect(app.page.locator('h1').first()).toBeVisible();

  // At start (the warm-up) main opens the hidden window, hears "software adapter" and closes it.
  await expect
    .poll(
      async () => (await app!.state()).webPreferences.map((p) => String(p.preload).split(/[\\/]/).pop()),
      {
        timeout: 60_000,
      },
    )
    .toEqual(['index.cjs', 'gpu-engine.cjs']);
  const gpuWindow = (await app.state()).webPreferences[1];
  expect(gpuWindow).toMatchObject({ sandbox: true, contextIsolation: true, backgroundThrottling: false });
  await expect
    .poll(async () => (await app!.state()).titles.includes(GPU_WINDOW), { timeout: 30_000 })
    .toBe(false);

  // An explicit webgpu run opens the window again and trains there, over the MessagePort.
  const designText = readFileSync(join(ROOT, 'resources/examples/deep-sigmoid.backflow.json'), 'utf8');
  const runId = 9001;
  const start = {
    type: 'train.start',
    runId,
    designText,
    designDir: null,
    backend: 'webgpu',
    telemetryEvery: 1,
    maxSteps: 3,
  };
  const events = await throughBridge([start], { type: 'train.onState', runId });
  expect((await app.state()).titles).toContain(GPU_WINDOW);
  const started = events.find((event) => event.type === 'train.onStarted');
  expect(started?.type === 'train.onStarted' && started.backend).toMatchObject({
    name: 'webgpu',
    device: expect.stringContaining('swiftshader'),
  });
  const steps = events.filter((event) => event.type === 'train.onStep');
  expect(steps).toHaveLength(3);
  for (const step of steps) {
    expect(step.type === 'train.onStep' && Number.isFinite(step.loss)).toBe(true);
    // Telemetry crossed page → main → UI as typed arrays.
    expect(step.type === 'train.onStep' && step.stats instanceof Float32Array).toBe(true);
  }
  expect(events.at(-1)).toMatchObject({ type: 'train.onState', state: 'finished' });

  // ONNX: the page gives the run's weights, the worker writes the model from them.
  const exported = await throughBridge([{ type: 'export.run', requestId: 77, runId, format: 'onnx' }], {
    type: 'export.onResult',
    requestId: 77,
  });
  const result = exported.at(-1);
  expect(result).toMatchObject({
    type: 'export.onResult',
    result: { ok: true, value: { format: 'onnx', trained: true } },
  });
  const files = result?.type === 'export.onResult' && result.result.ok ? result.result.value.files : [];
  expect(files.map((file) => file.name)).toContain('model.onnx');
  expect((await app.state()).refused).toEqual([]);
});
