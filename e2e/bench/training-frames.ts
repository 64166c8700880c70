/**
 * Frame-rate benchmark of the training view (a benchmark, not a test: it
 * prints figures and asserts nothing).
 *
 *   npx tsx e2e/bench/training-frames.ts [--layers 100] [--seconds 8]
 *
 * Starts `backflow serve` on a free port, opens a design of `--layers` layers
 * (input, dense tanh layers, output) through the start screen's file picker,
 * trains it with telemetry on every step, and records the time between
 * animation frames while the heatmap, charts and node tints update (idle, and
 * while the canvas is panned). Then it times Pause, Resume and Stop, several
 * times each, from the click to the state shown on screen, and reports the
 * engine's own round trip. Headless Chromium without a GPU composites in
 * software, so real machines do better than these figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium';
import { arg, stats, type Stats } from './frame-stats';
import { CURRENT_FORMAT_VERSION, DESIGN_FORMAT, type Design } from '../../src-shared/design/types';

/** input → (layers − 2) dense tanh layers → output, in a snake of rows. */
export function deepDesign(layers: number): Design {
  const nodes: Design['graph']['nodes'][number][] = [];
  const edges: Design['graph']['edges'][number][] = [];
  for (let i = 0; i < layers; i++) {
    const row = Math.floor(i / 20);
    const position = { x: (row % 2 === 0 ? i % 20 : 19 - (i % 20)) * 230, y: row * 130 };
    if (i === 0) nodes.push({ id: 'in', type: 'input', params: { shape: [2] }, position });
    else if (i === layers - 1) nodes.push({ id: 'out', type: 'output', params: {}, position });
    else
      nodes.push({
        id: `d${i}`,
        type: 'dense',
        params: { units: 16, activation: 'tanh', kernelInitializer: 'glorotUniform' },
        position,
      });
    if (i > 0) edges.push({ id: `e${i}`, source: nodes[i - 1].id, target: nodes[i].id });
  }
  return {
    format: DESIGN_FORMAT,
    formatVersion: CURRENT_FORMAT_VERSION,
    name: `Benchmark: ${layers} layers`,
    graph: { nodes, edges },
    data: { source: 'builtin', name: 'spiral' },
    training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 32, epochs: 200, seed: 1 },
  };
}

/** Starts `backflow serve --port 0` and resolves to its address. */
function serve(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/backflow.mjs', 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /open (http:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1], child });
    });
    child.once('exit', (code) => reject(new Error(`backflow serve exited (${code}):\n${out}`)));
  });
}

/** Ends the server, forcibly if it has not gone a few seconds after being asked. */
async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** A long animation frame (over 50 ms) as Chromium's LoAF API reports it. */
interface Loaf {
  duration: number;
  script: number;
  layout: number;
  top: [number, string][];
}

/** Where the long frames' time went: script, style and layout, the rest of rendering; the costliest script entry points. */
function summarize(entries: Loaf[]): string {
  const total = entries.reduce((a, e) => a + e.duration, 0) || 1;
  const share = (f: (e: Loaf) => number) =>
    `${((entries.reduce((a, e) => a + f(e), 0) / total) * 100).toFixed(0)} %`;
  const by = new Map<string, number>();
  for (const e of entries) for (const [d, name] of e.top) by.set(name, (by.get(name) ?? 0) + d);
  const top = [...by.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([n, d]) => `${n.trim()} ${d.toFixed(0)} ms`);
  return `${entries.length} long frames: script ${share((e) => e.script)}, style+layout ${share((e) => e.layout)}; top: ${top.join('; ')}`;
}

/** Records requestAnimationFrame intervals while `during` runs. */
async function frames(page: Page, during: () => Promise<void>): Promise<Stats & { long: string }> {
  // Strings, not functions: tsx's transform would wrap a function in helpers the page does not have.
  await page.evaluate(`(() => {
    window.__frames = []; window.__recording = true; window.__loaf = [];
    window.__observer?.disconnect();
    window.__observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__loaf.push({ duration: e.duration,
        script: e.scripts.reduce((sum, s) => sum + s.duration, 0),
        layout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
        top: e.scripts.map((s) => [s.duration, s.invoker + ' ' + s.sourceFunctionName]) });
    });
    window.__observer.observe({ type: 'long-animation-frame', buffered: false });
    let last = performance.now();
    const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  })()`);
  await during();
  const result = stats((await page.evaluate('window.__recording = false, window.__frames')) as number[]);
  const loaf = (await page.evaluate('window.__observer.disconnect(), window.__loaf')) as Loaf[];
  return { ...result, long: summarize(loaf) };
}

const PAUSE_SAMPLES = 6;
const STOP_SAMPLES = 3;

interface Latency {
  /** Click to the new state on screen. */
  screen: number;
  /** The session's own measure: request sent to the engine's state event received. */
  engine: number;
}

/** `median / max ms` of some latencies. */
function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[Math.floor((sorted.length - 1) / 2)].toFixed(0)} / ${sorted[sorted.length - 1].toFixed(0)} ms`;
}

/** Milliseconds from a click on `button` to the training state on screen becoming `state`. */
async function controlLatency(page: Page, button: RegExp, state: string): Promise<Latency> {
  await page.evaluate(`(() => {
    const el = document.querySelector('[data-testid="training-state"]');
    window.__changed = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (el.getAttribute('data-state') === ${JSON.stringify(state)}) { observer.disconnect(); resolve(performance.now()); }
      });
      observer.observe(el, { attributes: true });
      setTimeout(() => { observer.disconnect(); resolve(null); }, 10000);
    });
  })()`);
  // Clicked from inside the page, so Playwright's actionability checks are not counted.
  const clickAt = (await page.evaluate(`(() => {
    const button = [...document.querySelectorAll('.controls button')].find((b) => ${button}.test(b.textContent.trim()));
    const at = performance.now();
    button.click();
    return at;
  })()`)) as number;
  const changedAt = (await page.evaluate('window.__changed')) as number | null;
  if (changedAt === null) {
    const shown = await page.getByTestId('training-state').getAttribute('data-state');
    throw new Error(
      `clicked ${button}, but the state stayed "${shown}" for 10 s instead of becoming "${state}"`,
    );
  }
  const engine = Number(await page.getByTestId('training-state').getAttribute('data-control-ms'));
  return { screen: changedAt - clickAt, engine };
}

async function main(): Promise<void> {
  const layers = arg('layers', 100);
  const seconds = arg('seconds', 8);
  const { url, child } = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url);
    await page.locator('input[type="file"]').setInputFiles({
      name: 'bench.backflow.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(deepDesign(layers))),
    });
    await page
      .locator('.svelte-flow__node')
      .nth(layers - 1)
      .waitFor();
    const train = page.getByRole('button', { name: /^▶ Train/ });
    await train.waitFor();
    // The page's CSP forbids string evaluation, so wait through locators rather than waitForFunction.
    await page.locator('.controls .primary:enabled').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Fit', exact: true }).click();

    const results: Record<string, Stats & { long: string }> = {};
    results['idle, before training'] = await frames(page, () => page.waitForTimeout(1000));
    await train.click();
    const records = async () =>
      Number((await page.getByTestId('heatmap-canvas').getAttribute('data-records')) ?? 0);
    await page.getByTestId('heatmap-canvas').waitFor({ timeout: 60_000 });
    const deadline = Date.now() + 60_000;
    while ((await records()) <= 2) {
      if (Date.now() > deadline) {
        const state = await page.getByTestId('training-state').getAttribute('data-state');
        throw new Error(`training did not get going (state "${state}", ${await records()} steps)`);
      }
      await page.waitForTimeout(200);
    }
    const before = await records();
    const t0 = Date.now();
    results['training, idle pointer'] = await frames(page, () => page.waitForTimeout(seconds * 1000));
    const pane = await page.locator('.svelte-flow').boundingBox();
    if (!pane) throw new Error('no canvas');
    results['training, panning the canvas'] = await frames(page, async () => {
      await page.mouse.move(pane.x + pane.width - 30, pane.y + pane.height - 30);
      await page.mouse.down();
      for (let i = 1; i <= 120; i++) {
        const t = Math.sin((i / 120) * Math.PI * 2);
        await page.mouse.move(pane.x + pane.width - 30 - 250 * t, pane.y + pane.height - 30 - 60 * t);
      }
      await page.mouse.up();
    });
    const stepsPerSecond = ((await records()) - before) / ((Date.now() - t0) / 1000);

    const recorded = await records();

    // Each control is timed several times: where in a step the click lands decides most of its
    // latency, so one figure is luck. The waits put the clicks at unrelated points of the steps.
    const latency: Record<'pause' | 'resume' | 'stop', Latency[]> = { pause: [], resume: [], stop: [] };
    for (let i = 0; i < PAUSE_SAMPLES; i++) {
      latency.pause.push(await controlLatency(page, /^Pause$/, 'paused'));
      await page.waitForTimeout(300);
      latency.resume.push(await controlLatency(page, /^Resume$/, 'running'));
      await page.waitForTimeout(700);
    }
    for (let i = 0; i < STOP_SAMPLES; i++) {
      if (i > 0) {
        await train.click();
        await page.locator('[data-testid="training-state"][data-state="running"]').waitFor();
        await page.waitForTimeout(1500);
      }
      latency.stop.push(await controlLatency(page, /Stop$/, 'stopped'));
    }

    console.log(`\nTraining view, ${layers}-layer design, telemetry every step, ${recorded} steps recorded`);
    console.log(
      `engine throughput while measured: ${stepsPerSecond.toFixed(1)} telemetry steps/s (each one a heatmap column)\n`,
    );
    console.log('scenario                          frames   fps   median ms   p95 ms   max ms   >33 ms');
    for (const [name, s] of Object.entries(results)) {
      console.log(
        `${name.padEnd(32)} ${String(s.frames).padStart(7)} ${s.fps.toFixed(1).padStart(6)} ${s.median.toFixed(1).padStart(10)} ${s.p95.toFixed(1).padStart(8)} ${s.max.toFixed(1).padStart(8)} ${String(s.over33).padStart(8)}`,
      );
    }
    for (const [name, s] of Object.entries(results)) console.log(`  ${name}: ${s.long}`);
    console.log(
      '\ncontrol   n   click → on screen, median / max   engine round trip (request → state event)',
    );
    for (const [name, samples] of Object.entries(latency)) {
      const screen = spread(samples.map((l) => l.screen));
      const engine = name === 'resume' ? '—' : spread(samples.map((l) => l.engine));
      console.log(
        `${name.padEnd(9)} ${String(samples.length).padStart(2)}   ${screen.padStart(22)}   ${engine}`,
      );
    }
    if (errors.length) console.log(`\nconsole errors: ${errors.slice(0, 5).join(' | ')}`);
  } finally {
    await browser.close();
    await stopServer(child);
  }
}

if (process.argv[1]?.endsWith('training-frames.ts'))
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
