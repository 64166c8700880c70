/**
 * The heatmap read as a user reads it, on real runs: a step axis under it;
 * every one of 56 layer labels legible (rows keep their height and the map
 * scrolls); the Add layers of a residual net painted with their ∂L/∂output
 * instead of grey; and the colour scale always labelled, by default fixed at
 * step K (heatmap-scale.test.ts shows why: a run whose first step is extreme
 * turns one colour on a scale fixed at step 0).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/fixtures';
import { heatmaps, openExample, stopRun, trainButton, waitForRecords } from './helpers/training';

/** RGBA of every row in the heatmap's column `column` (data resolution: one pixel per cell). */
async function columnColours(page: Page, column: number): Promise<number[][]> {
  return heatmaps(page)
    .first()
    .getByTestId('heatmap-canvas')
    .evaluate((c: HTMLCanvasElement, x) => {
      const data = c.getContext('2d')!.getImageData(x, 0, 1, c.height).data;
      return Array.from({ length: c.height }, (_, y) => Array.from(data.subarray(y * 4, y * 4 + 4)));
    }, column);
}

test('56 layers: every label legible, a step axis, the scale labelled', async ({ page, shot }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openExample(page, 'He et al. 2016: plain 56');
  await trainButton(page).click();
  await waitForRecords(page, 12, 0, 90_000);
  await stopRun(page);

  const labels = heatmaps(page).first().getByRole('list', { name: 'Layers' }).getByRole('button');
  await expect(labels).toHaveCount(56);
  const boxes = await labels.evaluateAll((buttons) =>
    buttons.map((b) => {
      const r = b.getBoundingClientRect();
      const style = getComputedStyle(b);
      return {
        top: r.top,
        bottom: r.bottom,
        visible: style.visibility !== 'hidden' && r.height > 0,
        font: parseFloat(style.fontSize),
        clipped: b.scrollWidth > b.clientWidth + 1,
      };
    }),
  );
  for (const [i, box] of boxes.entries()) {
    expect(box.visible, `label ${i} is shown`).toBe(true);
    expect(box.font, `label ${i} type size`).toBeGreaterThanOrEqual(9);
    if (i > 0)
      expect(box.top, `label ${i} below label ${i - 1}`).toBeGreaterThanOrEqual(boxes[i - 1].bottom - 0.5);
  }
  // The rows kept a legible height, so the map scrolls; the first label is not clipped at the top.
  const rows = heatmaps(page).first().getByTestId('heatmap-rows');
  expect(Number(await rows.getAttribute('data-row-px'))).toBeGreaterThanOrEqual(13);
  const scroll = await rows.evaluate((e) => ({
    height: e.scrollHeight,
    view: e.clientHeight,
    top: e.getBoundingClientRect().top,
  }));
  expect(scroll.height).toBeGreaterThan(scroll.view);
  expect(boxes[0].top).toBeGreaterThanOrEqual(scroll.top);

  // The step axis names round steps.
  const ticks = heatmaps(page).first().getByTestId('heatmap-axis').locator('.tick');
  expect(await ticks.count()).toBeGreaterThanOrEqual(2);
  await expect(ticks.first()).toHaveText(/^\d+$/);

  // The scale is chosen and said: by default fixed at step K.
  await expect(page.getByTestId('heatmap-scale')).toHaveValue('stepK');
  await expect(page.getByTestId('heatmap-scale-caption')).toContainText('fixed at step 10');
  await page.getByTestId('heatmap-scale').selectOption('first');
  await expect(page.getByTestId('heatmap-scale-caption')).toContainText('fixed at step 0');
  await page.getByTestId('heatmap-scale').selectOption('window');
  await expect(page.getByTestId('heatmap-scale-caption')).toContainText(/fitted to steps 0–\d+ in view/);
  await page.getByTestId('heatmap-scale').selectOption('stepK');
  await page.mouse.move(5, 5);
  await shot('heatmap-56-layers');
});

test('the Add layers of a residual net show their ∂L/∂output, not grey', async ({ page, shot }) => {
  test.setTimeout(120_000);
  await openExample(page, 'He et al. 2016: residual 20');
  await trainButton(page).click();
  await waitForRecords(page, 4, 0, 90_000);
  await stopRun(page);

  const labels = heatmaps(page).first().getByRole('list', { name: 'Layers' }).locator('li');
  const names = await labels.evaluateAll((items) =>
    items.map((li) => ({ id: li.textContent!.trim(), standIn: li.classList.contains('stand-in') })),
  );
  const adds = names.flatMap((n, row) => (n.id.startsWith('add') ? [row] : []));
  expect(adds.length).toBeGreaterThan(3);
  for (const row of adds) expect(names[row].standIn, `${names[row].id} is marked as ∂L/∂output`).toBe(true);
  const colours = await columnColours(page, 1);
  for (const row of adds) {
    const [, , , alpha] = colours[row];
    expect(alpha, `${names[row].id} is painted, not the grey of a missing value`).toBe(255);
  }
  await expect(page.getByTestId('heatmap-scale-caption')).toContainText('italics');
  await shot('heatmap-residual-stand-in-rows');
});

test('MNIST: the default scale, fixed at step K, keeps the layers apart', async ({ page, shot }) => {
  test.setTimeout(150_000);
  await openExample(page, 'Ioffe & Szegedy: 3 × 100 sigmoid on MNIST');
  await trainButton(page).click();
  await waitForRecords(page, 16, 0, 120_000);
  await stopRun(page);

  const distinct = async () => {
    const colours = await columnColours(page, 15);
    return new Set(colours.filter((c) => c[3] === 255).map((c) => c.join(','))).size;
  };
  await expect(page.getByTestId('heatmap-scale')).toHaveValue('stepK');
  const atK = await distinct();
  expect(atK, 'layers at step 15 in distinct colours').toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('heatmap-scale-caption')).toContainText('fixed at step 10');
  await shot('heatmap-mnist-step-k');
});

test('the conv example on MNIST trains, and its pooling and flatten rows show ∂L/∂output', async ({
  page,
  shot,
}) => {
  test.setTimeout(180_000);
  await page.goto('/');
  // The gallery card says which twin is which in its first sentence.
  const card = page.getByRole('button', {
    name: 'Open example: Conv net on MNIST: ReLU with BN',
    exact: true,
  });
  await expect(card.locator('.desc')).toContainText('with batch normalization');
  await openExample(page, 'Conv net on MNIST: sigmoid');
  await trainButton(page).click();
  await waitForRecords(page, 3, 0, 150_000);
  await stopRun(page);
  const items = heatmaps(page).first().getByRole('list', { name: 'Layers' }).locator('li');
  const standIns = await items.evaluateAll((lis) =>
    lis.filter((li) => li.classList.contains('stand-in')).map((li) => li.textContent!.trim()),
  );
  expect(standIns.sort()).toEqual(['flat', 'p1', 'p2']);
  await shot('heatmap-conv-mnist');
});
