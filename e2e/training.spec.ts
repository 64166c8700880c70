/**
 * The training view end to end, against the browser mode with a real engine:
 * the vanishing gradient made visible on the deep sigmoid example, the
 * diagnosis and its one-click remedy, and the A/B comparison after it.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './helpers/fixtures';
import {
  heatmaps,
  openExample,
  readCell,
  rowCount,
  trainButton,
  trainingState,
  waitForRecords,
} from './helpers/training';

test.use(process.env.BACKFLOW_SERVE_URL ? { baseURL: process.env.BACKFLOW_SERVE_URL } : {});

test('deep sigmoid: the heatmap shows the gradient vanish; ReLU + He fixes it, side by side', async ({
  page,
  shot,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  await openExample(page, 'Deep sigmoid MLP');
  await trainButton(page).click();
  await waitForRecords(page, 12);
  await page.getByRole('button', { name: 'Fit', exact: true }).click();

  // At step 0, the first layer's weight gradient is orders of magnitude below the last dense layer's.
  const rows = await rowCount(page);
  const first = await readCell(page, 0, 0);
  const last = await readCell(page, rows - 2, 0);
  expect(first.layer).toBe('d1');
  expect(last.layer).toBe('d10');
  expect(first.value / last.value).toBeLessThan(1e-3);
  // The graph's own nodes are tinted on the same scale.
  await expect(page.locator('.svelte-flow__node[data-id="d1"] .tint')).toHaveAttribute('data-tint', /rgb/);

  const diagnosis = page.getByTestId('diagnosis');
  await expect(diagnosis).toContainText(/vanishing/i);
  await shot('20-training-vanishing');

  const remedy = diagnosis.getByRole('button', { name: /ReLU \+ He init/ });
  await remedy.click();
  await expect(page.locator('.svelte-flow__node[data-id="d1"]')).toContainText('relu');
  await expect(heatmaps(page).first()).toContainText('A (pinned)');
  // Run B does not exist until Train: the pane says so instead of showing run A twice.
  await expect(trainingState(page)).toHaveAttribute('data-state', 'idle');
  await expect(page.getByTestId('run-b-pending')).toContainText('not trained yet');

  await trainButton(page).click();
  await expect(heatmaps(page)).toHaveCount(2);
  await waitForRecords(page, 12, 1);
  const fixedFirst = await readCell(page, 0, 0, 1);
  const fixedLast = await readCell(page, rows - 2, 0, 1);
  expect(fixedFirst.layer).toBe('d1');
  expect(fixedFirst.value / fixedLast.value).toBeGreaterThan(1e-2);
  expect(fixedFirst.value / fixedLast.value).toBeGreaterThan((first.value / last.value) * 100);
  await expect(page.getByText('Loss (A dashed, B solid)')).toBeVisible();
  await page.mouse.move(5, 5);
  await shot('21-training-ab-comparison');

  // The remedy was one undoable edit.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.locator('.svelte-flow__node[data-id="d1"]')).toContainText('sigmoid');
  expect(consoleErrors).toEqual([]);
});

test('controls: pause, step, resume, stop and reset weights', async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  await openExample(page, 'Deep sigmoid MLP');
  // A run long enough that it cannot finish between Resume and Stop on a fast machine.
  await page.getByRole('button', { name: /Show training/ }).click();
  const epochs = page.locator('#set-epochs');
  await epochs.fill('2000');
  await epochs.blur();
  await trainButton(page).click();
  await waitForRecords(page, 3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'paused');
  const pausedAt = Number(await heatmaps(page).getByTestId('heatmap-canvas').getAttribute('data-records'));
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await waitForRecords(page, pausedAt + 1);
  await expect(trainingState(page)).toHaveAttribute('data-state', 'paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'running');
  await page.getByRole('button', { name: /Stop$/ }).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'stopped');
  const ms = Number(await trainingState(page).getAttribute('data-control-ms'));
  test.info().annotations.push({ type: 'stop latency', description: `${ms.toFixed(0)} ms` });
  await expect(page.getByTestId('training-backend')).toHaveText(/^(WASM|JS|TF) · (CPU|GPU)( ×\d+)?$/);
  await page.getByRole('button', { name: 'Reset weights' }).click();
  await expect(heatmaps(page)).toHaveCount(0);
  await expect(trainingState(page)).toHaveAttribute('data-state', 'idle');
  expect(consoleErrors).toEqual([]);
});

test('a diverging run stops with a clear message and keeps its telemetry', async ({
  page,
  shot,
  consoleErrors,
}) => {
  test.setTimeout(120_000);
  await openExample(page, 'Exploding: a learning rate far too high');
  await trainButton(page).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'diverged', { timeout: 60_000 });
  await expect(page.getByTestId('run-diverged')).toContainText(/diverged at step \d+/i);
  const kept = Number(await heatmaps(page).getByTestId('heatmap-canvas').getAttribute('data-records'));
  expect(kept).toBeGreaterThan(0);
  await shot('22-training-diverged');
  expect(consoleErrors).toEqual([]);
});

test('settings edit data and training through undoable, validated edits', async ({ page, consoleErrors }) => {
  await openExample(page, 'Deep sigmoid MLP');
  await page.getByRole('button', { name: /Show training/ }).click();
  const lr = page.getByLabel('Learning rate', { exact: true });
  await lr.fill('abc');
  await expect(page.locator('#set-lr-error')).toBeVisible();
  await lr.fill('20');
  await expect(page.locator('#set-lr-error')).toContainText('at most 10');
  await lr.fill('0.05');
  await expect(page.locator('#set-lr-error')).toHaveCount(0);
  await lr.blur();
  await page.getByLabel('Data set', { exact: true }).selectOption('moons');
  await expect(page.getByLabel('Noise', { exact: true })).toHaveValue('0.1');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.getByLabel('Data set', { exact: true })).toHaveValue('spiral');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(lr).toHaveValue('0.1');
  expect(consoleErrors).toEqual([]);
});

test('exports the heatmap as PNG and the telemetry as CSV', async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  await openExample(page, 'Deep sigmoid MLP');
  await trainButton(page).click();
  // The example's 160 steps take a few seconds: let the run finish rather than race a Stop
  // click against its end (Stop is disabled once it has finished).
  await waitForRecords(page, 5);
  await expect(trainingState(page)).toHaveAttribute('data-state', 'finished', { timeout: 60_000 });
  const records = Number(await heatmaps(page).getByTestId('heatmap-canvas').getAttribute('data-records'));

  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'CSV' }).click(),
  ]);
  const lines = readFileSync((await csv.path()) ?? '', 'utf8')
    .trim()
    .split('\n');
  expect(lines[0]).toMatch(/^run,step,epoch,loss,accuracy,layer,type,gradNorm,outGradNorm/);
  expect(lines.length - 1).toBe(records * (await rowCount(page)));

  const [png] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'PNG' }).click(),
  ]);
  const bytes = readFileSync((await png.path()) ?? '');
  expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  expect(consoleErrors).toEqual([]);
});
