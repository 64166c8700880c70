/**
 * Memory and frame-rate benchmark of the Runs view (a benchmark, not a test:
 * it prints figures and asserts nothing).
 *
 *   npx tsx e2e/bench/runs-frames.ts [--runs 20] [--steps 10000] [--layers 100]
 *
 * Builds one run of `--steps` steps × `--layers` layers, keeps it as the app
 * keeps an ended run (its digest), and writes `--runs` run files of it. Then
 * starts `backflow serve`, uploads them all into the Runs list, and records
 * the page's JS heap and the time between animation frames while four runs
 * are compared, the smoothing slider moves, the log scale toggles and the
 * list scrolls. Headless Chromium composites in software: real machines do
 * better than these figures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { LAYER_STAT_FIELDS, LAYER_STAT_STRIDE } from '../../src-shared/telemetry';
import { digestRun } from '../../src-renderer/src/lib/training/run-digest';
import { runToJsonl } from '../../src-renderer/src/lib/training/run-file';
import { RunTelemetry } from '../../src-renderer/src/lib/training/run-telemetry';
import type { KeptRun } from '../../src-renderer/src/lib/training/runs.svelte';
import { emptyDesign } from '../../src-renderer/src/lib/state/design-store.svelte';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium';
import { arg, stats } from './frame-stats';
import { startOwnServer } from '../helpers/own-server';

const RUNS = arg('runs', 20);
const STEPS = arg('steps', 10_000);
const LAYERS = arg('layers', 100);

/** A run whose gradient fades with depth and drifts with the step, like a vanishing-gradient run. */
function syntheticRun(): RunTelemetry {
  const layers = Array.from({ length: LAYERS }, (_, i) => ({ id: `d${i + 1}`, type: 'dense' as const }));
  const run = new RunTelemetry(1, layers, STEPS, 100, null, STEPS);
  const grad = LAYER_STAT_FIELDS.indexOf('gradNorm');
  const stats = new Float32Array(LAYERS * LAYER_STAT_STRIDE);
  for (let s = 0; s < STEPS; s++) {
    for (let l = 0; l < LAYERS; l++)
      stats[l * LAYER_STAT_STRIDE + grad] = 10 ** (-(LAYERS - l) / 10) * (1 + s / STEPS);
    run.pushStep({
      step: s,
      epoch: Math.floor(s / 100),
      loss: 1 / (1 + s / 500),
      accuracy: s / STEPS,
      stats,
    });
  }
  return run;
}

/** requestAnimationFrame intervals while `during` runs. */
async function frames(page: Page, during: () => Promise<void>) {
  await page.evaluate(`(() => {
    window.__frames = []; window.__recording = true;
    let last = performance.now();
    const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  })()`);
  await during();
  return stats((await page.evaluate('window.__recording = false, window.__frames')) as number[]);
}

const heapMb = async (page: Page) =>
  ((await page.evaluate('performance.memory.usedJSHeapSize')) as number) / 1e6;

async function main(): Promise<void> {
  let t = performance.now();
  const whole = syntheticRun();
  const built = performance.now() - t;
  t = performance.now();
  const digest = digestRun(whole);
  const digested = performance.now() - t;
  console.log(
    `one run of ${STEPS} steps × ${LAYERS} layers: built in ${built.toFixed(0)} ms, digested in ${digested.toFixed(0)} ms; ` +
      `kept digest ${(digest.bytes / 1e6).toFixed(2)} MB (${digest.count} records, ${digest.stepCount} loss points)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'backflow-runs-'));
  const files: string[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const design = emptyDesign(`bench ${i}`);
    const run: KeptRun = {
      info: {
        id: `bench-${i}`,
        name: `Bench run ${i}`,
        designText: JSON.stringify(design),
        designName: design.name,
        designFile: null,
        training: design.training,
        backend: 'wasm',
        startedAt: i,
        wallMs: 1000,
        steps: STEPS,
        totalSteps: STEPS,
        finalLoss: 0.1,
        finalAccuracy: 0.9,
        state: 'finished',
      },
      series: digest,
      documentId: -1,
      engineRunId: null,
      designPath: null,
    };
    const file = join(dir, `run-${i}.jsonl`);
    writeFileSync(file, runToJsonl(run));
    files.push(file);
  }

  const server = await startOwnServer();
  const { url } = server;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.getByRole('button', { name: 'Open example: Deep sigmoid MLP', exact: true }).click();
    await page.getByRole('button', { name: /^Runs \(/ }).click();
    const before = await heapMb(page);
    t = performance.now();
    await page.getByText('Upload a run…').locator('input[type=file]').setInputFiles(files);
    await page
      .getByTestId('run-row')
      .nth(RUNS - 1)
      .waitFor();
    console.log(`uploaded ${RUNS} runs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await page.evaluate('window.gc && window.gc()');
    const after = await heapMb(page);
    console.log(`JS heap: ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB with ${RUNS} runs listed`);

    const compare = await frames(page, async () => {
      for (let i = 1; i <= 4; i++) {
        await page.getByRole('checkbox', { name: `Compare Bench run ${i}`, exact: true }).check();
        await page.waitForTimeout(300);
      }
    });
    const slider = page.getByRole('slider', { name: 'Smoothing' });
    const smoothing = await frames(page, async () => {
      for (const v of ['0', '0.3', '0.6', '0.9', '0.99', '0.5']) {
        await slider.fill(v);
        await page.waitForTimeout(200);
      }
      await page.getByLabel('Log-scale loss').check();
      await page.waitForTimeout(300);
    });
    const scroll = await frames(page, async () => {
      for (let i = 0; i < 10; i++) {
        await page.mouse.move(300, 750);
        await page.mouse.wheel(0, i < 5 ? 300 : -300);
        await page.waitForTimeout(100);
      }
    });
    const show = (name: string, s: ReturnType<typeof stats>) =>
      console.log(
        `${name}: ${s.frames} frames, median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(0)} ms, ${s.over33} over 33 ms`,
      );
    show('ticking four runs to compare', compare);
    show('smoothing slider and log scale', smoothing);
    show('scrolling the list', scroll);
    console.log(`JS heap after comparing: ${(await heapMb(page)).toFixed(0)} MB`);
  } finally {
    await browser.close();
    await server.kill();
  }
}

await main();
