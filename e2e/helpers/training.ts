/**
 * Training-view steps for Playwright: open an example, train, read the
 * heatmap through its hover tooltip (what a user reads), wait for states.
 * These run against a real engine (`backflow serve`), never a mock.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export const heatmaps = (page: Page): Locator => page.locator('figure.heatmap');
export const trainingState = (page: Page): Locator => page.getByTestId('training-state');

/**
 * Opens an example from the start screen and waits until the engine is
 * connected (Train enabled). `url`: another server's page (default: the suite's).
 */
export async function openExample(page: Page, name: string, url = '/'): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: `Open example: ${name}`, exact: true }).click();
  await expect(page.locator('.svelte-flow__pane')).toBeVisible();
  await expect(
    trainButton(page),
    'the engine must be reachable (run the e2e suite against `backflow serve`)',
  ).toBeEnabled({ timeout: 20_000 });
}

export const trainButton = (page: Page): Locator => page.getByRole('button', { name: /^▶ Train/ });

/** Waits until the heatmap at `index` holds at least `records` steps. */
export async function waitForRecords(
  page: Page,
  records: number,
  index = 0,
  timeout = 45_000,
): Promise<void> {
  const canvas = heatmaps(page).nth(index).getByTestId('heatmap-canvas');
  await expect
    .poll(async () => Number(await canvas.getAttribute('data-records')), {
      timeout,
      message: `${records} telemetry steps`,
    })
    .toBeGreaterThanOrEqual(records);
}

/**
 * Hovers the heatmap cell of layer `row` (0 = first layer) at record `column`
 * and returns the tooltip's layer id and exact value.
 */
export async function readCell(
  page: Page,
  row: number,
  column: number,
  index = 0,
): Promise<{ layer: string; value: number }> {
  const map = heatmaps(page).nth(index);
  const canvas = map.getByTestId('heatmap-canvas');
  // As a user would: scroll the dock's column (or a tall map) until the cell is on screen.
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the heatmap is not visible');
  const [cols, rows] = await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  await page.mouse.move(
    box.x + ((column + 0.5) / cols) * box.width,
    box.y + ((row + 0.5) / rows) * box.height,
  );
  const tooltip = map.getByTestId('heatmap-tooltip');
  await expect(tooltip).toBeVisible();
  return {
    layer: (await tooltip.getAttribute('data-layer')) ?? '',
    value: Number(await tooltip.getAttribute('data-value')),
  };
}

/** The number of layer rows of a heatmap. */
export async function rowCount(page: Page, index = 0): Promise<number> {
  return heatmaps(page)
    .nth(index)
    .getByTestId('heatmap-canvas')
    .evaluate((c: HTMLCanvasElement) => c.height);
}

/**
 * Ends the run in view: clicks Stop, unless the run has already finished (the
 * examples train for a few hundred steps, which a fast engine completes
 * before a click lands; Stop is then disabled).
 */
export async function stopRun(page: Page): Promise<void> {
  await expect(async () => {
    if (/stopped|finished/.test((await trainingState(page).textContent()) ?? '')) return;
    await page.getByRole('button', { name: /Stop$/ }).click({ timeout: 1000 });
    await expect(trainingState(page)).toHaveText(/stopped|finished/, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
}
