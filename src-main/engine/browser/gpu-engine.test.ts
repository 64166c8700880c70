/**
 * The GPU engine page as built (out/gpu-engine, `npm run build`), in Debian's
 * Chromium on its own WebGPU (SwiftShader here: no GPU), driven over its
 * MessagePort with the engine protocol as main drives it. A run there must
 * match the same run on the cpu backend in this process within 1e-4 relative
 * (per-layer telemetry of every step, then every weight and BatchNorm moving
 * statistic of the exported weights file); MNIST's files come from the host,
 * as main sends them; and what the page cannot do fails with a message.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../e2e/helpers/chromium';
import type { EngineEvent, EngineRequest } from '../../../src-shared/protocol';
import { stepRecord, type LayerInfo, type StepRecord } from '../../../src-shared/telemetry';
import { webgpuDifferences, type Trained } from '../backend/webgpu-agreement';
import { readPackagedFileFromDisk } from '../data/packaged-files';
import { decodeWeightValues } from '../import/weight-file';
import { createEngineService } from '../service';
import { EXAMPLES_DIR } from '../test-support';

const pageDir = join(__dirname, '../../../out/gpu-engine');
if (!existsSync(join(pageDir, 'index.html')))
  throw new Error('out/gpu-engine is missing: run `npm run build` first');
if (statSync(join(pageDir, 'index.html')).mtimeMs < statSync(join(__dirname, 'gpu-engine.ts')).mtimeMs)
  throw new Error('out/gpu-engine is older than its sources: run `npm run build` first');

/** Chromium's WebGPU on SwiftShader, the software Vulkan device Debian's Chromium ships. */
const WEBGPU_ARGS = [
  ...CHROMIUM_ARGS.filter((arg) => arg !== '--disable-gpu'),
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];

function serve(folder: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(join(folder, decodeURIComponent(new URL(request.url!, 'http://x').pathname)));
    if (!path.startsWith(folder + sep) || !existsSync(path) || !statSync(path).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const type = extname(path) === '.html' ? 'text/html' : 'text/javascript';
    response.writeHead(200, { 'content-type': type }).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Engine events as the page sends them, typed arrays made plain for the way out of the page. */
type PlainEvent = EngineEvent & { stats?: number[] | Float32Array | null };

const received: PlainEvent[] = [];
/** When set, the host refuses MNIST's files with this reason (a missing data file). */
let refuseFiles: string | undefined;

const server = await serve(pageDir);
const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS });
const page: Page = await browser.newPage();
await page.exposeFunction('readPackagedFile', (name: string) =>
  refuseFiles
    ? { error: refuseFiles }
    : readPackagedFileFromDisk(name as never).catch((error: Error) => ({ error: error.message })),
);
await page.exposeFunction('engineEvent', (event: PlainEvent) => received.push(event));
await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/index.html`);
/** The adapter the page's WebGPU offers ('' for none: everything below is then skipped). */
const adapter = await page.evaluate(async () => {
  type Adapter = { info: { vendor: string; architecture: string } } | null;
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter> } }).gpu;
  const found = await gpu?.requestAdapter();
  return found ? `${found.info.vendor} ${found.info.architecture}` : '';
});
if (!adapter) console.warn('gpu-engine.test.ts skipped: Chromium offers no WebGPU adapter');

// What main does: hand the page its port, then tell it the machine's memory; answer its file reads.
await page.evaluate(() => {
  const channel = new MessageChannel();
  window.postMessage('backflow:gpu-engine.port', '*', [channel.port2]);
  const port = channel.port1;
  const global = window as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  port.onmessage = async ({ data }) => {
    if (data.type === 'gpuPage.readFile') {
      const text = await global.readPackagedFile(data.name);
      const answer = typeof text === 'string' ? { text } : text;
      port.postMessage({ type: 'gpuHost.file', id: data.id, ...(answer as object) });
      return;
    }
    // Out of the page as JSON: typed arrays become arrays.
    const plain = data.stats instanceof Float32Array ? { ...data, stats: Array.from(data.stats) } : data;
    if (data.type === 'export.onResult' && data.result.ok) {
      for (const file of data.result.value.files) file.bytes = Array.from(file.bytes);
    }
    void global.engineEvent(plain);
  };
  (window as unknown as { enginePort: MessagePort }).enginePort = port;
  port.postMessage({ type: 'gpuHost.hello', machineBytes: 8 * 2 ** 30 });
});

afterAll(async () => {
  await browser.close();
  server.close();
});

/** Sends `request` to the page; resolves with the events from then until one `done` accepts. */
async function inPage(request: unknown, done: (event: PlainEvent) => boolean): Promise<PlainEvent[]> {
  const from = received.length;
  await page.evaluate(
    (message) => {
      (window as unknown as { enginePort: MessagePort }).enginePort.postMessage(message);
    },
    request as Record<string, unknown>,
  );
  const deadline = Date.now() + 240_000;
  while (!received.slice(from).some(done)) {
    if (Date.now() > deadline) throw new Error(`no end to ${JSON.stringify(request).slice(0, 80)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return received.slice(from);
}

/** The same request to the engine on the cpu backend, in this process. */
let cpuListener: (event: PlainEvent) => void = () => undefined;
const cpuEngine = createEngineService((event) => cpuListener(event));
function onCpu(request: EngineRequest, done: (event: PlainEvent) => boolean): Promise<PlainEvent[]> {
  const events: PlainEvent[] = [];
  return new Promise((resolve) => {
    cpuListener = (event) => {
      events.push(event);
      if (done(event)) resolve(events);
    };
    void cpuEngine.handle(request);
  });
}

const runEnded = (runId: number) => (event: PlainEvent) =>
  (event.type === 'train.onState' && event.runId === runId && event.state !== 'running') ||
  (event.type === 'train.onError' && event.runId === runId);
const answered = (requestId: number) => (event: PlainEvent) =>
  'requestId' in event && event.requestId === requestId;

let nextId = 1;

/**
 * An example's design text. MNIST's black background makes equal values in a max pool's window,
 * and tfjs's cpu and webgpu backends send the gradient to different ones of them (both valid),
 * after which the layers below differ by ~1e-3: the conv example pools by the average here.
 */
function exampleText(example: string): string {
  const text = readFileSync(join(EXAMPLES_DIR, `${example}.backflow.json`), 'utf8');
  return example.startsWith('conv-mnist') ? text.replaceAll('"maxPooling2d"', '"averagePooling2d"') : text;
}

/** Trains `example` for `steps` steps on `backend`, then exports the run's weights file. */
async function trainAndExport(example: string, steps: number, backend: 'webgpu' | 'cpu') {
  const send = backend === 'webgpu' ? inPage : onCpu;
  const runId = nextId++;
  const designText = exampleText(example);
  const start: EngineRequest = {
    type: 'train.start',
    ...{ runId, designText, designDir: null, backend, telemetryEvery: 1, maxSteps: steps },
  };
  const events = await send(start, runEnded(runId));
  const requestId = nextId++;
  const exported = await send(
    { type: 'export.run', requestId, runId, format: 'weights' },
    answered(requestId),
  );
  return { events, exported: exported.find(answered(requestId)) };
}

/** The run's telemetry, and every weight and moving statistic of its exported weights file. */
function trained({ events, exported }: Awaited<ReturnType<typeof trainAndExport>>): Trained {
  let layers: LayerInfo[] = [];
  const records: StepRecord[] = [];
  for (const event of events) {
    if (event.type === 'train.onStarted') layers = event.layers;
    if (event.type === 'train.onStep')
      records.push(stepRecord({ ...event, stats: Float32Array.from(event.stats ?? []) }, layers)!);
  }
  if (exported?.type !== 'export.onResult' || !exported.result.ok)
    throw new Error(`no weights: ${JSON.stringify(exported)}`);
  const bytes = Uint8Array.from(exported.result.value.files[0].bytes as unknown as number[]);
  const moving = new Map([...decodeWeightValues(bytes)].map(([key, w]) => [key, Array.from(w.values)]));
  return { records, moving };
}

// Skipped only where Chromium's WebGPU finds no adapter (Debian's Chromium ships SwiftShader; .ci/run installs it).
describe.skipIf(!adapter)(`the GPU engine page on Chromium's WebGPU (${adapter || 'skipped'})`, () => {
  const cases: [example: string, steps: number][] = [
    ['deep-sigmoid', 3], // dense, sigmoid, spiral
    ['he2016-resnet-20-bn', 2], // residual adds, BatchNorm, ReLU
    ['conv-mnist-sigmoid', 2],
  ];
  for (const [example, steps] of cases) {
    it(`trains ${example} as the cpu backend does, and exports its weights`, async () => {
      const gpu = await trainAndExport(example, steps, 'webgpu');
      const started = gpu.events.find((event) => event.type === 'train.onStarted');
      expect(started?.type === 'train.onStarted' && started.backend).toMatchObject({
        name: 'webgpu',
        device: expect.stringContaining('swiftshader'),
      });
      const cpu = trained(await trainAndExport(example, steps, 'cpu'));
      expect(cpu.records).toHaveLength(steps);
      expect(cpu.moving.size).toBeGreaterThan(0);
      expect(webgpuDifferences(cpu, trained(gpu))).toEqual([]);
    }, 300_000);
  }

  it('tells its host the adapter, and times a design for auto on a hardware GPU only', async () => {
    const asked = await inPage(
      { type: 'gpuHost.askAdapter' },
      (event) => event.type === ('gpuPage.adapter' as never),
    );
    expect(asked.at(-1)).toMatchObject({
      ok: true,
      software: true,
      device: expect.stringContaining('swiftshader'),
    });
    const designText = exampleText('deep-sigmoid');
    const requestId = nextId++;
    const onGpu = await inPage(
      { type: 'trial.time', requestId, designText, backend: 'webgpu' },
      answered(requestId),
    );
    expect(onGpu.at(-1)).toMatchObject({
      type: 'trial.onResult',
      result: { ok: false, error: { type: 'backend', message: expect.stringMatching(/^software adapter/) } },
    });
    // The timing itself, on the page's cpu backend: a few steps, in milliseconds.
    const cpuId = nextId++;
    const onCpu = await inPage(
      { type: 'trial.time', requestId: cpuId, designText, backend: 'cpu' },
      answered(cpuId),
    );
    const result = (onCpu.at(-1) as Extract<EngineEvent, { type: 'trial.onResult' }>).result;
    expect(result.ok && result.value.backend.name).toBe('cpu');
    expect(result.ok && result.value.msPerStep).toBeGreaterThan(0);
  }, 120_000);

  it('fails a run whose data file the host cannot give, with the reason', async () => {
    refuseFiles = 'no such file: mnist/src/digits/0.json';
    try {
      const runId = nextId++;
      const designText = readFileSync(join(EXAMPLES_DIR, 'conv-mnist-sigmoid.backflow.json'), 'utf8');
      const request = { type: 'train.start', runId, designText, designDir: null, backend: 'webgpu' };
      const events = await inPage({ ...request, telemetryEvery: 1, maxSteps: 1 }, runEnded(runId));
      expect(events.at(-1)).toMatchObject({
        type: 'train.onError',
        error: { message: expect.stringContaining('no such file: mnist/src/digits/0.json') },
      });
    } finally {
      refuseFiles = undefined;
    }
  }, 60_000);

  it('says what it cannot do in a page, and refuses a malformed request', async () => {
    const run = await trainAndExport('deep-sigmoid', 1, 'webgpu');
    const runId = (run.events[0] as { runId: number }).runId;
    const requestId = nextId++;
    const onnx = await inPage({ type: 'export.run', requestId, runId, format: 'onnx' }, answered(requestId));
    expect(JSON.stringify(onnx.at(-1))).toMatch(/is not available in the GPU engine/);
    const refused = await inPage(
      { type: 'train.start', runId: 'x' },
      (event) => event.type === 'train.onError',
    );
    expect(refused.at(-1)).toMatchObject({ error: { type: 'badRequest' } });
  }, 60_000);
});
