/**
 * A run belongs to the design that made it (issue 14), as a user meets it in
 * browser mode: after New, Open or an example from the gallery, nothing of the
 * last design's run shows as the new one's (heatmap, diagnosis and its fix
 * buttons, node tints), Export offers trained weights only from a run of the
 * open design and names the files as the design is called now, number fields
 * commit only complete valid values, and an A/B comparison says "not trained
 * yet" until run B exists.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { node, select } from './helpers/editor';
import { expect, test } from './helpers/fixtures';
import { heatmaps, openExample, trainButton, trainingState, waitForRecords } from './helpers/training';

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';
const OTHER = 'Remedy: ReLU instead of sigmoid';

test.use(process.env.BACKFLOW_SERVE_URL ? { baseURL: process.env.BACKFLOW_SERVE_URL } : {});

/** Trains the open design to the end of its (short) run. */
async function trainToEnd(page: Page): Promise<void> {
  await trainButton(page).click();
  await waitForRecords(page, 3);
  await expect(trainingState(page)).toHaveAttribute('data-state', 'finished', { timeout: 90_000 });
}

/** Opens another example through the toolbar's gallery button. */
async function openFromGallery(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Back to the gallery' }).click();
  await page.getByRole('button', { name: `Open example: ${name}`, exact: true }).click();
  await expect(page.locator('.svelte-flow__pane')).toBeVisible();
}

/** Nothing of a past run shows: no heatmap, no findings or fixes, no run tint, no A/B label, idle. */
async function expectNoRun(page: Page): Promise<void> {
  await expect(heatmaps(page)).toHaveCount(0);
  await expect(page.getByText(/^Press Train: each layer becomes a row/)).toBeVisible();
  await expect(page.getByTestId('diagnosis').locator('[data-remedy]')).toHaveCount(0);
  await expect(page.getByTestId('diagnosis')).toContainText('Findings about the gradients appear here');
  // The open design's own gradient at initialisation may tint its nodes; a past run's telemetry never does.
  const tinted = page.locator('.svelte-flow__node .layer:has(.tint[data-tint])');
  if ((await tinted.count()) > 0) {
    await tinted.first().hover();
    await expect(tinted.first()).toHaveAttribute('title', /at initialisation$/);
  }
  await expect(page.getByText(/A \(pinned\)/)).toHaveCount(0);
  await expect(page.getByText('Loss (A dashed, B solid)')).toHaveCount(0);
  await expect(trainingState(page)).toHaveAttribute('data-state', 'idle');
  await expect(trainButton(page)).toHaveText('▶ Train');
}

/** Saves with Ctrl+S (a download in browser mode) and returns the design's training section. */
async function savedTraining(page: Page): Promise<Record<string, unknown>> {
  const downloading = page.waitForEvent('download');
  await page.keyboard.press(`${MOD}+s`);
  const text = readFileSync((await (await downloading).path()) ?? '', 'utf8');
  return JSON.parse(text).training;
}

/** Exports through the dialog; returns the zip's name and its unzipped folder. */
async function exportAs(
  page: Page,
  testInfo: TestInfo,
  label: string,
  weights: 'Initial' | 'Trained',
): Promise<{ zipName: string; dir: string }> {
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await dialog.getByRole('radio', { name: /^TensorFlow\.js/ }).check();
  await dialog.getByRole('radio', { name: new RegExp(`^${weights}:`) }).check();
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  const zip = testInfo.outputPath(`${label}.zip`);
  await download.saveAs(zip);
  const dir = testInfo.outputPath(label);
  execFileSync('python3', ['-m', 'zipfile', '-e', zip, dir]);
  return { zipName: download.suggestedFilename(), dir };
}

/** The activations of a TensorFlow.js model.json's dense layers, by layer name. */
function activations(dir: string): Record<string, string> {
  const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const layers: { class_name: string; config: { name: string; activation?: string } }[] =
    model.modelTopology.model_config?.config.layers ?? model.modelTopology.config.layers;
  return Object.fromEntries(
    layers.filter((l) => l.class_name === 'Dense').map((l) => [l.config.name, l.config.activation ?? '']),
  );
}

test('a finished run stays with its design: gallery, New and Open start clean, and its fixes are gone', async ({
  page,
  shot,
}) => {
  test.setTimeout(240_000);
  await openExample(page, 'Deep sigmoid MLP');
  await trainToEnd(page);
  await expect(page.getByTestId('diagnosis')).toContainText(/vanishing/i);
  await expect(page.getByTestId('diagnosis').locator('[data-remedy]').first()).toBeVisible();
  await expect(node(page, 'd1').locator('.tint')).toHaveAttribute('data-tint', /rgb/);

  // Another example, whose layers have the same ids (d1…): none of them is tinted by the old run.
  await openFromGallery(page, OTHER);
  await expect(node(page, 'd1')).toContainText('relu');
  await expectNoRun(page);
  await shot('40-other-design-clean');

  // New, after a run of this one.
  await trainButton(page).click();
  await waitForRecords(page, 3);
  await page.getByRole('group', { name: 'File' }).getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(0);
  await expectNoRun(page);

  // Open… a design file while a run of the current one is still going: the run stops and goes away.
  await openFromGallery(page, 'Deep sigmoid MLP');
  const epochs = page.locator('#set-epochs');
  await epochs.fill('500');
  await epochs.press('Enter');
  await trainButton(page).click();
  await waitForRecords(page, 3);
  page.once('dialog', (dialog) => void dialog.accept());
  const choosing = page.waitForEvent('filechooser');
  await page.getByRole('group', { name: 'File' }).getByRole('button', { name: 'Open…' }).click();
  await (await choosing).setFiles(resolve('resources/examples/remedy-relu.backflow.json'));
  await expect(node(page, 'd1')).toContainText('relu');
  await expectNoRun(page);
});

test('Export offers trained weights only from a run of the open design, named as it is called now', async ({
  page,
  consoleErrors,
}, testInfo) => {
  test.setTimeout(240_000);
  await openExample(page, 'Deep sigmoid MLP');
  await trainToEnd(page);

  await openFromGallery(page, OTHER);
  await page.keyboard.press(`${MOD}+e`);
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await expect(dialog.getByRole('heading')).toHaveText(`Export “${OTHER}”`);
  await expect(dialog.getByRole('radio', { name: /^Trained:/ })).toBeDisabled();
  await expect(dialog.getByRole('radio', { name: /^Initial:/ })).toBeChecked();
  const initial = await exportAs(page, testInfo, 'other-initial', 'Initial');
  expect(initial.zipName).toBe('Remedy-ReLU-instead-of-sigmoid-tfjs.zip');
  expect(activations(initial.dir).d1).toBe('relu');

  // A run of this design, then a rename: the trained export is this run's, under the new name.
  await trainToEnd(page);
  const name = page.getByLabel('Design name');
  await name.fill('Renamed ReLU net');
  await name.press('Enter');
  await page.keyboard.press(`${MOD}+e`);
  await expect(dialog.getByRole('heading')).toHaveText('Export “Renamed ReLU net”');
  await expect(dialog.getByRole('radio', { name: /^Trained:/ })).toBeChecked();
  const trained = await exportAs(page, testInfo, 'other-trained', 'Trained');
  expect(trained.zipName).toBe('Renamed-ReLU-net-tfjs.zip');
  expect(activations(trained.dir).d1).toBe('relu');
  expect(readFileSync(join(trained.dir, 'weights.bin'))).not.toEqual(
    readFileSync(join(initial.dir, 'weights.bin')),
  );
  expect(consoleErrors).toEqual([]);
});

test('number fields commit only complete, valid values and say the range in words', async ({
  page,
  shot,
  consoleErrors,
}) => {
  test.setTimeout(120_000);
  await openExample(page, 'Deep sigmoid MLP');
  await page.getByRole('button', { name: /Show training/ }).click();
  const before = await savedTraining(page);
  const lr = page.getByLabel('Learning rate', { exact: true });

  // 1e6, typed key by key: the "1" on the way is never committed, and 1e6 is out of range.
  await lr.click();
  await lr.press('Control+a');
  await lr.pressSequentially('1e6', { delay: 80 });
  await expect(page.locator('#set-lr-error')).toBeVisible();
  expect((await savedTraining(page)).learningRate).toBe(before.learningRate);
  await expect(page.locator('#set-lr-error')).toHaveText('Learning rate must be at most 10, got 1e6');
  await expect(page.locator('#set-lr-help')).toHaveText(
    'Learning rate: a number above 0 and at most 10, e.g. 0.01 or 1e-3',
  );
  await expect(lr).toHaveValue('1e6');
  await expect(trainButton(page)).toBeDisabled();
  await expect(trainButton(page)).toHaveAttribute('title', /Learning rate/);
  await expect(page.getByTestId('train-blocked')).toHaveText('Train waits for a valid Learning rate');
  await shot('41-invalid-learning-rate');

  // Every usual spelling is read whole, committed on Enter, and Train comes back.
  for (const [text, value] of [
    ['1e-3', 0.001],
    ['0.001', 0.001],
    ['.5', 0.5],
  ] as const) {
    await lr.fill(text);
    await lr.press('Enter');
    await expect(page.locator('#set-lr-error')).toHaveCount(0);
    expect((await savedTraining(page)).learningRate).toBe(value);
  }
  await expect(trainButton(page)).toBeEnabled();

  // A whole-number parameter: 1e9 is too large (not "1 unit"), 12.5 is not whole (not 12); 1e2 is 100.
  await select(page, 'd1');
  const units = page.getByLabel('Units', { exact: true });
  const shape = node(page, 'd1').locator('.shape');
  const shown = await shape.textContent();
  await units.click();
  await units.press('Control+a');
  await units.pressSequentially('1e9', { delay: 80 });
  await expect(page.locator('#param-d1-units-error')).toContainText('got 1e9');
  await expect(shape).toHaveText(shown ?? '');
  await units.fill('12.5');
  await units.blur();
  await expect(page.locator('#param-d1-units-error')).toHaveText('Units must be a whole number, got 12.5');
  await expect(shape).toHaveText(shown ?? '');
  await expect(trainButton(page)).toBeDisabled();
  await units.fill('1e2');
  await units.press('Enter');
  await expect(shape).toHaveText('→ 100');
  await expect(trainButton(page)).toBeEnabled();
  expect(consoleErrors).toEqual([]);
});

test('after a fix, pane B says "not trained yet" until it is retrained', async ({
  page,
  shot,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  await openExample(page, 'Deep sigmoid MLP');
  await trainToEnd(page);
  await page
    .getByTestId('diagnosis')
    .getByRole('button', { name: /ReLU \+ He init/ })
    .click();
  await expect(node(page, 'd1')).toContainText('relu');
  await expect(heatmaps(page)).toHaveCount(1);
  await expect(heatmaps(page).first()).toContainText('A (pinned)');
  await expect(page.getByTestId('run-b-pending')).toContainText('not trained yet');
  await expect(page.getByTestId('diagnosis').locator('[data-remedy]')).toHaveCount(0);
  await shot('42-ab-not-trained-yet');

  await trainButton(page).click();
  await expect(heatmaps(page)).toHaveCount(2);
  await expect(page.getByTestId('run-b-pending')).toHaveCount(0);
  await waitForRecords(page, 3, 1);
  expect(consoleErrors).toEqual([]);
});
