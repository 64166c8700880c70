/**
 * Frame-time benchmark of the editor with a 300-node design (a benchmark, not
 * a test: it prints figures and asserts nothing).
 *
 *   npx tsx e2e/bench/editor-frames.ts [--nodes 300] [--steps 120]
 *
 * It serves the renderer with Vite, opens the design through the start
 * screen's file picker (as a user would), then records the time between
 * animation frames while the mouse pans the canvas, drags one node, and drags
 * a selection of 20 nodes. Headless Chromium without a GPU composites in
 * software, so real machines do better than these figures.
 */
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium';
import { arg, stats, type Stats } from './frame-stats';
import { createServer } from 'vite';
import { CURRENT_FORMAT_VERSION, DESIGN_FORMAT, type Design } from '../../src-shared/design/types';

/** input → (n − 2) dense layers (alternating with activations) → output, in a snake of rows. */
export function bigDesign(n: number): Design {
  const perRow = 20;
  const nodes: Design['graph']['nodes'][number][] = [];
  const edges: Design['graph']['edges'][number][] = [];
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i / perRow);
    const col = row % 2 === 0 ? i % perRow : perRow - 1 - (i % perRow);
    const position = { x: col * 230, y: row * 130 };
    if (i === 0) nodes.push({ id: 'in', type: 'input', params: { shape: [2] }, position });
    else if (i === n - 1) nodes.push({ id: 'out', type: 'output', params: {}, position });
    else if (i % 2 === 1) nodes.push({ id: `d${i}`, type: 'dense', params: { units: 32 }, position });
    else nodes.push({ id: `a${i}`, type: 'activation', params: { activation: 'relu' }, position });
    if (i > 0) edges.push({ id: `e${i}`, source: nodes[i - 1].id, target: nodes[i].id });
  }
  return {
    format: DESIGN_FORMAT,
    formatVersion: CURRENT_FORMAT_VERSION,
    name: `Benchmark: ${n} layers`,
    graph: { nodes, edges },
    data: { source: 'builtin', name: 'spiral' },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 64, epochs: 1, seed: 1 },
  };
}

/** Runs `gesture` while the page records requestAnimationFrame intervals. */
async function measure(page: Page, gesture: () => Promise<void>): Promise<Stats & { long: LoafSummary }> {
  // A string, not a function: tsx's transform would wrap a function in helpers the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    window.__loaf = [];
    window.__observer?.disconnect();
    window.__observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const script = e.scripts.reduce((sum, s) => sum + s.duration, 0);
        const render = e.renderStart ? e.startTime + e.duration - e.renderStart : 0;
        const layout = e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0;
        window.__loaf.push({ duration: e.duration, script, render, layout,
          top: e.scripts.map((s) => [s.duration, s.sourceFunctionName + ' ' + (s.sourceURL || '').split('/').pop() + ' ' + s.invoker]) });
      }
    });
    window.__observer.observe({ type: 'long-animation-frame', buffered: false });
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => {
      last = now;
      requestAnimationFrame(tick);
    });
  })()`);
  await gesture();
  const deltas = (await page.evaluate('window.__recording = false, window.__frames')) as number[];
  const loaf = (await page.evaluate('window.__observer.disconnect(), window.__loaf')) as Loaf[];
  return { ...stats(deltas), long: summarizeLoaf(loaf) };
}

/** One long animation frame (over 50 ms) as Chromium's LoAF API reports it. */
interface Loaf {
  duration: number;
  script: number;
  render: number;
  layout: number;
  top: [number, string][];
}

interface LoafSummary {
  count: number;
  /** Share of the long frames' time spent in script, in style and layout, and in the rest of rendering. */
  script: number;
  layout: number;
  render: number;
  topScripts: string[];
}

function summarizeLoaf(entries: Loaf[]): LoafSummary {
  const total = entries.reduce((a, e) => a + e.duration, 0) || 1;
  const byScript = new Map<string, number>();
  for (const e of entries) for (const [d, name] of e.top) byScript.set(name, (byScript.get(name) ?? 0) + d);
  return {
    count: entries.length,
    script: entries.reduce((a, e) => a + e.script, 0) / total,
    layout: entries.reduce((a, e) => a + e.layout, 0) / total,
    render: entries.reduce((a, e) => a + e.render - e.layout, 0) / total,
    topScripts: [...byScript.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, d]) => `${name.trim()} ${d.toFixed(0)} ms`),
  };
}

async function mouseDrag(
  page: Page,
  from: { x: number; y: number },
  by: { x: number; y: number },
  steps: number,
) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    // Back and forth, so long runs stay on screen.
    const t = Math.sin((i / steps) * Math.PI * 2);
    await page.mouse.move(from.x + by.x * t, from.y + by.y * t);
  }
  await page.mouse.up();
}

/** The id of a dense layer under or near a screen point. */
async function nodeNear(page: Page, point: { x: number; y: number }): Promise<string> {
  let best = { id: 'd1', distance: Infinity };
  for (const el of await page.locator('.svelte-flow__node').all()) {
    const id = (await el.getAttribute('data-id')) ?? '';
    const b = await el.boundingBox();
    if (!b || !/^d\d+$/.test(id) || Number(id.slice(1)) < 21) continue;
    const distance = Math.hypot(b.x + b.width / 2 - point.x, b.y + b.height / 2 - point.y);
    if (distance < best.distance) best = { id, distance };
  }
  return best.id;
}

/** The canvas zoom, read from the viewport's CSS transform. */
async function zoomOf(page: Page): Promise<number> {
  const transform = (await page.locator('.svelte-flow__viewport').getAttribute('style')) ?? '';
  const match = /scale\(([\d.]+)\)/.exec(transform);
  return match ? Number(match[1]) : 1;
}

/** Zooms with the Controls' buttons (20 % a click) until the zoom reaches `target`. */
async function zoomTo(page: Page, target: number): Promise<void> {
  for (let i = 0; i < 30 && (await zoomOf(page)) < target * 0.95; i++) {
    await page.getByRole('button', { name: 'Zoom In' }).click();
    await page.waitForTimeout(60);
  }
}

async function main(): Promise<void> {
  const count = arg('nodes', 300);
  const steps = arg('steps', 120);
  const server = await createServer({
    configFile: 'src-renderer/vite.config.ts',
    server: { port: 0, strictPort: false },
    logLevel: 'error',
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    if (!url) throw new Error('Vite did not report a URL');
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url);
    const loadStart = Date.now();
    await page.locator('input[type="file"]').setInputFiles({
      name: 'bench.backflow.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(bigDesign(count))),
    });
    await page
      .locator('.svelte-flow__node')
      .nth(count - 1)
      .waitFor();
    await page.waitForTimeout(500);
    const loadMs = Date.now() - loadStart;
    const rendered = await page.locator('.svelte-flow__node').count();
    const pane = await page.locator('.svelte-flow').boundingBox();
    if (!pane) throw new Error('no canvas');
    const mid = { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 };

    const results: Record<string, Stats & { long: LoafSummary }> = {};
    results['idle'] = await measure(page, () => page.waitForTimeout(1000));
    // Pan from an empty spot: the top-left corner of the canvas is outside the snake.
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await page.waitForTimeout(400);
    results['pan (all nodes visible)'] = await measure(page, () =>
      mouseDrag(
        page,
        { x: pane.x + pane.width - 40, y: pane.y + pane.height - 40 },
        { x: -300, y: -150 },
        steps,
      ),
    );
    // Drag nodes near the middle, so the pointer never reaches the canvas border (which auto-pans).
    const middle = await nodeNear(page, mid);
    const node = await page.locator(`.svelte-flow__node[data-id="${middle}"]`).boundingBox();
    if (!node) throw new Error(`node ${middle} not visible`);
    results['drag one node'] = await measure(page, () =>
      mouseDrag(page, { x: node.x + 3, y: node.y + 2 }, { x: 150, y: 100 }, steps),
    );
    await page.keyboard.press('Escape');
    // Box-select two rows of layers around it (Shift+drag on the canvas).
    await page.keyboard.down('Shift');
    await page.mouse.move(node.x - 200, node.y - 10);
    await page.mouse.down();
    await page.mouse.move(node.x + 240, node.y + node.height * 2.5, { steps: 10 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const selected = await page.locator('.svelte-flow__node.selected').count();
    const again = await page.locator(`.svelte-flow__node[data-id="${middle}"]`).boundingBox();
    if (!again) throw new Error(`node ${middle} not visible`);
    results[`drag ${selected} selected nodes`] = await measure(page, () =>
      mouseDrag(page, { x: again.x + 3, y: again.y + 2 }, { x: 150, y: 100 }, steps),
    );
    // The same gestures at 100 % zoom, where a user reads and edits the nodes.
    await page.keyboard.press('Escape');
    await zoomTo(page, 1);
    const near = await page.locator('.svelte-flow__node[data-id="d1"] .head').boundingBox();
    if (!near) throw new Error('node d1 not visible');
    results['pan at 100 %'] = await measure(page, () =>
      mouseDrag(page, { x: near.x + 80, y: near.y + 200 }, { x: -300, y: -150 }, steps),
    );
    const near2 = await page.locator('.svelte-flow__node[data-id="d1"] .head').boundingBox();
    if (!near2) throw new Error('node d1 not visible');
    results['drag one node at 100 %'] = await measure(page, () =>
      mouseDrag(page, { x: near2.x + 5, y: near2.y + 3 }, { x: 200, y: 150 }, steps),
    );
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await page.waitForTimeout(400);
    await page.mouse.move(mid.x, mid.y);
    results['zoom (wheel)'] = await measure(page, async () => {
      for (let i = 0; i < 40; i++) await page.mouse.wheel(0, i < 20 ? -60 : 60);
    });

    const undoDepth = await page.getByRole('button', { name: 'Undo' }).isEnabled();
    console.log(
      `Backflow editor frame times: ${count} layers (${rendered} rendered), loaded in ${loadMs} ms`,
    );
    console.log(
      `Chromium ${browser.version()}, headless, software compositing; ${steps} mouse steps per gesture\n`,
    );
    console.log('gesture                     frames  median ms  p95 ms  max ms    fps  frames > 33 ms');
    for (const [name, s] of Object.entries(results)) {
      console.log(
        `${name.padEnd(27)} ${String(s.frames).padStart(6)} ${s.median.toFixed(1).padStart(10)} ${s.p95
          .toFixed(1)
          .padStart(
            7,
          )} ${s.max.toFixed(1).padStart(7)} ${s.fps.toFixed(1).padStart(6)} ${String(s.over33).padStart(15)}`,
      );
    }
    console.log('\nlong animation frames (> 50 ms): where their time went');
    for (const [name, s] of Object.entries(results)) {
      const l = s.long;
      const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
      console.log(
        `${name.padEnd(27)} ${String(l.count).padStart(3)} long frames; script ${pct(l.script)}, style+layout ${pct(l.layout)}, paint/other ${pct(l.render)}${l.topScripts.length ? `; top: ${l.topScripts.join('; ')}` : ''}`,
      );
    }
    console.log(`\n${selected} nodes selected for the group drag; undo available: ${undoDepth}`);
    console.log(`console errors: ${errors.length}`);
    for (const e of errors) console.log(`  ${e}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1]?.endsWith('editor-frames.ts'))
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
