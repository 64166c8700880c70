/**
 * Where the gradient flows in a residual network, as a user sees it: a
 * 30-layer sigmoid net with a skip around every two layers trains, the
 * heatmap's "Skip / branch ratio" paints the add layers (and only them) bright
 * because the skip carries almost all of the gradient back to each block
 * input while the sigmoid branch passes a fraction, and each add node on the
 * canvas says the skip's share and draws it as a bar (at initialisation, from
 * the preview, and during training).
 */
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { node } from './helpers/editor';
import { expect, test } from './helpers/fixtures';
import {
  heatmaps,
  openExample,
  readCell,
  stopRun,
  trainButton,
  trainingState,
  waitForRecords,
} from './helpers/training';

const DESIGN = resolve('e2e/fixtures/residual-sigmoid-30.backflow.json');

async function openDesignFile(page: Page, file: string): Promise<void> {
  await page.goto('/');
  const choosing = page.waitForEvent('filechooser');
  await page.getByText('Open a design file…').first().click();
  await (await choosing).setFiles(file);
  await expect(page.locator('.svelte-flow__pane')).toBeVisible();
  await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });
}

async function trainAndStop(page: Page, records: number): Promise<void> {
  await trainButton(page).click();
  await waitForRecords(page, records, 0, 90_000);
  await stopRun(page);
}

/** The alpha of every row of the heatmap's column `column`: 255 painted, less for a missing value. */
async function rowAlphas(page: Page, column: number): Promise<number[]> {
  return heatmaps(page)
    .first()
    .getByTestId('heatmap-canvas')
    .evaluate((c: HTMLCanvasElement, x) => {
      const data = c.getContext('2d')!.getImageData(x, 0, 1, c.height).data;
      return Array.from({ length: c.height }, (_, y) => data[y * 4 + 3]);
    }, column);
}

test('30-layer sigmoid residual net: the skip carries the gradient to every block input', async ({
  page,
  shot,
}) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openDesignFile(page, DESIGN);
  // Before any training, the at-init preview already shows the skip carrying the gradient.
  await expect(node(page, 'add3').locator('.share')).toHaveText(/^skip 9\d %$/, { timeout: 20_000 });
  // Four epochs, 32 steps: the run ends by itself.
  await trainButton(page).click();
  await expect(trainingState(page)).toHaveText(/finished/, { timeout: 120_000 });

  await page.getByTestId('heatmap-field').selectOption('skipRatio');
  const labels = await heatmaps(page)
    .first()
    .getByRole('list', { name: 'Layers' })
    .locator('li')
    .evaluateAll((items) => items.map((li) => li.textContent!.trim()));
  const adds = labels.flatMap((id, row) => (id.startsWith('add') ? [row] : []));
  expect(adds).toHaveLength(14);
  const alphas = await rowAlphas(page, 20);
  labels.forEach((id, row) => {
    if (adds.includes(row)) expect(alphas[row], `${id} is painted`).toBe(255);
    else expect(alphas[row], `${id} (not a merge) has no ratio`).toBeLessThan(255);
  });
  // Every add: the skip's gradient at the block input is many times the two sigmoid layers'.
  for (const row of adds.slice(0, 3)) {
    const { layer, value } = await readCell(page, row, 20);
    expect(layer).toBe(labels[row]);
    expect(value, `${layer}: skip / branch`).toBeGreaterThan(10);
  }
  await expect(heatmaps(page).first().getByTestId('heatmap-tooltip')).toContainText(/\(skip\) 9\d %/);
  await shot('gradient-flow-ratio-heatmap');

  // The add nodes on the canvas say the skip's share and draw it: zoom in on the first blocks.
  const add3 = node(page, 'add3');
  const box = (await add3.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height);
  for (let i = 0; i < 7; i++) await page.mouse.wheel(0, -200);
  const share = add3.locator('.share');
  await expect(share).toHaveText(/^skip 9\d %$/);
  const bar = await add3.locator('.share-bar span').evaluate((s) => s.getBoundingClientRect().width);
  const whole = await add3.locator('.share-bar').evaluate((s) => s.getBoundingClientRect().width);
  expect(bar / whole).toBeGreaterThan(0.9);
  await expect(node(page, 'd2').locator('.share')).toHaveCount(0);
  await page.mouse.move(5, 5);
  await shot('45-gradient-flow-skip-share');
});

test('the gallery’s skip-connection remedy shows the skip’s share on its adds', async ({ page, shot }) => {
  test.setTimeout(120_000);
  await openExample(page, 'Remedy: skip connections around the sigmoids');
  await trainAndStop(page, 3);
  const shares = page.locator('.svelte-flow__node .share');
  expect(await shares.count()).toBeGreaterThan(3);
  for (const text of await shares.allTextContents()) expect(text).toMatch(/^skip \d+ %$/);
  await shot('gradient-flow-remedy-skip');
});
