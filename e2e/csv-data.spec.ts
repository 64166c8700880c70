/**
 * The user's own data in browser mode: a CSV file picked from disk is read by
 * the page (its columns, the target) and its bytes go to the engine with Train;
 * the server never reads a path the page names. A design opened from a file
 * whose data is a CSV asks for that file instead of failing at Train.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/fixtures';
import { node } from './helpers/editor';
import { openExample, trainButton, trainingState } from './helpers/training';

const IRIS_DIR = resolve('e2e/fixtures/iris-csv');
const IRIS_CSV = join(IRIS_DIR, 'data/iris.csv');

const dataSet = (page: Page) => page.locator('#set-dataset');
const dialog = (page: Page) => page.getByTestId('csv-dialog');

/** Picks `file` through "Your CSV file…" in the data set select, as a user does. */
async function chooseCsv(page: Page, file: string): Promise<void> {
  const choosing = page.waitForEvent('filechooser');
  await dataSet(page).selectOption({ label: 'Your CSV file…' });
  await (await choosing).setFiles(file);
}

/** Accuracy per epoch, from the telemetry CSV the training view downloads. */
async function accuracyByEpoch(page: Page): Promise<number[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'CSV' }).click(),
  ]);
  const [header, ...rows] = readFileSync((await download.path()) ?? '', 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
  const [step, epoch, accuracy] = ['step', 'epoch', 'accuracy'].map((name) => header.indexOf(name));
  const perStep = new Map<number, [number, number]>();
  for (const row of rows) perStep.set(Number(row[step]), [Number(row[epoch]), Number(row[accuracy])]);
  const sums: { total: number; n: number }[] = [];
  for (const [e, a] of perStep.values()) {
    sums[e] ??= { total: 0, n: 0 };
    sums[e].total += a;
    sums[e].n += 1;
  }
  return sums.map((s) => s.total / s.n);
}

async function trainToEnd(page: Page): Promise<void> {
  await expect(trainButton(page)).toBeEnabled();
  await trainButton(page).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'finished', { timeout: 90_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
}

test('pick a CSV file for an example, choose "species", train: the accuracy rises', async ({
  page,
  shot,
}) => {
  test.setTimeout(150_000);
  await openExample(page, 'Remedy: three sigmoid layers instead of ten');
  await chooseCsv(page, IRIS_CSV);

  // The page read the header and every row: the columns, the last one suggested as the target.
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page).getByRole('heading')).toHaveText('Train on iris.csv');
  const radios = dialog(page).getByRole('radio');
  await expect(radios).toHaveCount(5);
  await expect(dialog(page).getByRole('radio', { name: /species/ })).toBeChecked();
  await expect(dialog(page)).toContainText('reads as 3 classes');
  await shot('40-csv-columns');

  // A measurement as the target is a number to predict, and the text column becomes an input it cannot be.
  await dialog(page)
    .getByRole('radio', { name: /petal_width/ })
    .check();
  await expect(dialog(page)).toContainText('a number to predict (regression, one output)');
  await expect(dialog(page).getByRole('alert')).toHaveText(
    'iris.csv line 2, column 5: "setosa" is not a number',
  );
  await dialog(page)
    .getByRole('radio', { name: /species/ })
    .check();
  await expect(dialog(page).getByRole('alert')).toHaveCount(0);
  await expect(dialog(page).getByTestId('csv-outline')).toContainText(
    '150 rows. The network gets 4 inputs per row and predicts which of 3 classes “species” is.',
  );

  // Keep the example's input shape [2]: the editor's own validation says what is wrong, in words.
  await dialog(page)
    .getByRole('checkbox', { name: /Set the input layer’s shape to \[4\]/ })
    .uncheck();
  await dialog(page).getByRole('button', { name: 'Use iris.csv' }).click();
  await expect(dialog(page)).toBeHidden();
  await expect(dataSet(page)).toHaveValue('csv');
  await expect(dataSet(page).locator('option:checked')).toHaveText('CSV: iris.csv');
  await expect(page.locator('#set-target')).toHaveValue('species');
  await expect(node(page, 'in').locator('.problem')).toContainText(
    'in: shape 2 but the data set gives 4 examples — set shape to [4]',
  );
  await expect(trainButton(page)).toBeDisabled();
  await shot('41-csv-shape-mismatch');

  // One edit: undo gives the spiral back, redo the CSV file.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(dataSet(page)).toHaveValue('spiral');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(dataSet(page)).toHaveValue('csv');

  // Pick it again, this time letting it set the input shape; Adam so 20 epochs are enough.
  await chooseCsv(page, IRIS_CSV);
  await dialog(page).getByRole('button', { name: 'Use iris.csv' }).click();
  await expect(node(page, 'in').locator('.problem')).toHaveCount(0);
  await page.locator('#set-optimizer').selectOption('adam');
  await page.locator('#set-lr').fill('0.02');
  await page.locator('#set-lr').press('Enter');
  await trainToEnd(page);
  const accuracy = await accuracyByEpoch(page);
  expect(accuracy.length).toBe(20);
  expect(accuracy[accuracy.length - 1], `accuracy by epoch: ${accuracy.join(', ')}`).toBeGreaterThan(0.8);
  expect(accuracy[accuracy.length - 1]).toBeGreaterThan(accuracy[0] + 0.2);
  await shot('42-csv-trained');
});

test('a design file whose data is a CSV asks for that file, then trains on it', async ({ page, shot }) => {
  test.setTimeout(150_000);
  await page.goto('/');
  const opening = page.waitForEvent('filechooser');
  await page.getByText('Open a design file…').click();
  await (await opening).setFiles(join(IRIS_DIR, 'iris-from-csv.backflow.json'));
  await expect(node(page, 'in')).toBeVisible();

  const missing = page.getByTestId('csv-missing');
  await expect(missing).toContainText('This design reads data/iris.csv: choose the file');
  await expect(trainButton(page)).toBeDisabled();
  await expect(page.getByTestId('network-status')).toHaveText('Waiting for its CSV file (under Data set)');
  await shot('43-csv-asks-for-file');

  const choosing = page.waitForEvent('filechooser');
  await missing.getByRole('button', { name: 'Choose the file…' }).click();
  await (await choosing).setFiles(IRIS_CSV);
  // The file has the design's target column: nothing more to ask.
  await expect(dialog(page)).toBeHidden();
  await expect(missing).toHaveCount(0);
  await expect(page.locator('#set-target')).toHaveValue('species');
  await expect(dataSet(page).locator('option:checked')).toHaveText('CSV: data/iris.csv');
  await expect(page.getByTestId('network-status')).toHaveText('Ready to train');

  await trainToEnd(page);
  const accuracy = await accuracyByEpoch(page);
  expect(accuracy.length).toBe(30);
  expect(accuracy[accuracy.length - 1], `accuracy by epoch: ${accuracy.join(', ')}`).toBeGreaterThan(0.8);
  expect(accuracy[accuracy.length - 1]).toBeGreaterThan(accuracy[0] + 0.2);
  await shot('44-csv-trained-from-file');
});

test('a bad cell is named by line and column, before and at Train', async ({ page, shot }, testInfo) => {
  const lines = readFileSync(IRIS_CSV, 'utf8').split('\n');
  lines[6] = lines[6].replace(/^([^,]*),([^,]*)/, '$1,abc');
  const bad = testInfo.outputPath('bad-iris.csv');
  writeFileSync(bad, lines.join('\n'));

  await openExample(page, 'Remedy: three sigmoid layers instead of ten');
  await chooseCsv(page, bad);
  const message = 'bad-iris.csv line 7, column 2: "abc" is not a number';
  await expect(dialog(page).getByRole('alert')).toHaveText(message);
  await dialog(page).getByRole('button', { name: 'Use bad-iris.csv' }).click();
  await expect(page.getByTestId('csv-problem')).toHaveText(message);
  await shot('45-csv-bad-cell');

  // The engine, reading the same bytes, says the same.
  await trainButton(page).click();
  // The engine starts first (a WASM backend on a busy machine can take a while).
  await expect(page.getByTestId('run-error')).toContainText(message, { timeout: 60_000 });
});
