/**
 * Training rate of the app against the CLI on the same design (a benchmark,
 * not a test: it prints figures and asserts nothing).
 *
 *   npx tsx e2e/bench/app-rate.ts [--workload 2] [--steps 300] [--tabs 3] [--look 3]
 *
 * Both sides train the bench's workload W<n> with telemetry on every step.
 * The CLI: `backflow train --every 1 --telemetry FILE`, its rate read from
 * the file as it grows. The app: `backflow serve`, then `--tabs` fresh tabs
 * (each a fresh engine worker, as a user's first run gets), each opening the
 * design through the start screen's file picker, looking at it for `--look`
 * seconds as a user would, and pressing Train; its rate read from the
 * heatmap's record count. Each rate is steps per second between the first
 * record and the `--steps`-th, so neither side's start-up is counted, and
 * the first run of a tab is reported on its own: the figure the engine's
 * warm-up exists for.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { WORKLOADS } from '../../src-main/engine/bench/workloads';
import type { Design } from '../../src-shared/design/types';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium';
import { startOwnServer } from '../helpers/own-server';
import { arg } from './frame-stats';

const WORKLOAD = `W${arg('workload', 2)}`;
const STEPS = arg('steps', 300);
const TABS = arg('tabs', 3);
const LOOK_SECONDS = arg('look', 3);

/** Samples of (milliseconds, records so far), taken as the count grows. */
type Samples = [number, number][];

/** Steps per second between the first record and the `STEPS`-th. */
function rate(samples: Samples): number {
  const first = samples.find(([, n]) => n >= 1);
  const last = samples.find(([, n]) => n >= STEPS);
  if (!first || !last || last[0] === first[0]) return NaN;
  return (last[1] - first[1]) / ((last[0] - first[0]) / 1000);
}

/** The workload's design, laid out in a column so the app's canvas shows it as a user's file would. */
function workloadDesign(): Design {
  const workload = WORKLOADS.find((w) => w.name === WORKLOAD);
  if (!workload)
    throw new Error(`no workload ${WORKLOAD}; the bench has ${WORKLOADS.map((w) => w.name).join(', ')}`);
  const design = structuredClone(workload.design);
  design.graph.nodes.forEach(
    (node, i) => (node.position ??= { x: (i % 10) * 220, y: Math.floor(i / 10) * 130 }),
  );
  // Long enough that neither side ends before STEPS.
  design.training.epochs = Math.max(design.training.epochs ?? 1, 1000);
  return design;
}

/** `backflow train --every 1`: its telemetry file's step lines counted as they appear. */
async function cliRate(designPath: string, folder: string, name: string): Promise<number> {
  const telemetry = join(folder, `${name}.jsonl`);
  const child = spawn(
    process.execPath,
    [
      'bin/backflow.mjs',
      'train',
      designPath,
      '--steps',
      String(STEPS),
      '--every',
      '1',
      '--telemetry',
      telemetry,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const samples: Samples = [];
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    let lines = 0;
    try {
      lines = readFileSync(telemetry, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{"type":"step"')).length;
    } catch {
      // not created yet
    }
    if (samples.length === 0 || lines !== samples[samples.length - 1][1])
      samples.push([performance.now(), lines]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if ((await exited) !== 0) throw new Error(`backflow train failed:\n${stderr}`);
  return rate(samples);
}

/** One fresh tab: open the design, look at it, press Train, count heatmap records. */
async function appRate(page: Page, url: string, design: Design): Promise<number> {
  await page.goto(url);
  await page
    .locator('input[type=file]')
    .first()
    .setInputFiles({
      name: 'bench.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(design)),
    });
  const train = page.getByRole('button', { name: /^▶ Train/ });
  await page.locator('.controls .primary:enabled').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(LOOK_SECONDS * 1000);
  await train.click();
  const heatmap = page.getByTestId('heatmap-canvas');
  await heatmap.waitFor({ timeout: 60_000 });
  const samples: Samples = [];
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const records = Number((await heatmap.getAttribute('data-records')) ?? 0);
    if (samples.length === 0 || records !== samples[samples.length - 1][1])
      samples.push([performance.now(), records]);
    if (records >= STEPS) break;
    await page.waitForTimeout(20);
  }
  await page.getByRole('button', { name: /Stop/ }).first().click();
  return rate(samples);
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'backflow-app-rate-'));
  const design = workloadDesign();
  const designPath = join(folder, 'bench.json');
  writeFileSync(designPath, JSON.stringify(design));
  const server = await startOwnServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const cli = await cliRate(designPath, folder, 'cli-first');
    const app: number[] = [];
    for (let tab = 0; tab < TABS; tab++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      app.push(await appRate(page, server.url, design));
      await page.close();
    }
    const cliAgain = await cliRate(designPath, folder, 'cli-again');
    const cliBest = Math.max(cli, cliAgain);
    console.log(`${WORKLOAD}, telemetry every step, steps 1→${STEPS} (start-up not counted), steps/s:`);
    console.log(`  backflow train --every 1   ${cli.toFixed(1)}, again ${cliAgain.toFixed(1)}`);
    app.forEach((r, i) =>
      console.log(
        `  app, fresh tab ${i + 1}         ${r.toFixed(1)}  (${((r / cliBest) * 100).toFixed(0)} % of the CLI's best)`,
      ),
    );
  } finally {
    await browser.close();
    await server.kill();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
