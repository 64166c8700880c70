/**
 * File → Export… and File → Import… in browser mode, as a user: export an
 * example as a TensorFlow.js model (one .zip download), import that model
 * back (model.json + weights.bin from the file chooser) and find the same
 * layers with a "pretrained weights" badge, export it again and get the very
 * same weights, fine-tune it, export the trained weights (a Keras 3
 * `.keras` archive), and drop the pretrained ones with Reset weights; the
 * trained weights also go out as ONNX, which ONNX Runtime runs. A Keras 3
 * `.keras` export imports back on its own, with its weights. The Electron twin of these commands
 * (native dialogs) is tested in src-main/main.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { moreCommand, node, select } from './helpers/editor';
import { expect, test } from './helpers/fixtures';
import { openExample, trainButton, trainingState, waitForRecords } from './helpers/training';

const EXAMPLE = 'Deep sigmoid MLP with batch normalization';
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

/** Exports the open design through the dialog; returns the unzipped folder and the zip's name. */
async function exportAs(
  page: Page,
  testInfo: TestInfo,
  label: string,
  format: 'TensorFlow.js' | 'Keras 3' | 'PyTorch' | 'ONNX',
  weights: 'Initial' | 'Trained',
  shot?: () => Promise<void>,
): Promise<{ dir: string; zipName: string }> {
  await page.keyboard.press(`${MOD}+e`);
  const dialog = page.getByRole('dialog', { name: /^Export/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('radio', { name: new RegExp(`^${format}`) }).check();
  await dialog.getByRole('radio', { name: new RegExp(`^${weights}:`) }).check();
  await shot?.();
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  await expect(dialog).toBeHidden();
  const zip = testInfo.outputPath(`${label}.zip`);
  await download.saveAs(zip);
  const dir = testInfo.outputPath(label);
  // An independent reader: Python's zipfile checks every CRC while it extracts.
  execFileSync('python3', ['-m', 'zipfile', '-e', zip, dir]);
  return { dir, zipName: download.suggestedFilename() };
}

/** Closes the notices, so a screenshot shows what is under them. */
async function dismissNotices(page: Page): Promise<void> {
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
}

/** Layer ids on the canvas, in document order. */
const layerIds = (page: Page) =>
  page.locator('.svelte-flow__node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));

test('export an example as TensorFlow.js, import it back with its weights, fine-tune it', async ({
  page,
  shot,
  consoleErrors,
}, testInfo) => {
  await openExample(page, EXAMPLE);
  const original = await layerIds(page);
  expect(original).toContain('bn1');

  const first = await exportAs(page, testInfo, 'initial', 'TensorFlow.js', 'Initial', () =>
    shot('30-export-dialog'),
  );
  expect(first.zipName).toBe('Deep-sigmoid-MLP-with-batch-normalization-tfjs.zip');
  expect(readdirSync(first.dir).sort()).toEqual(['model.json', 'weights.bin']);
  const model = JSON.parse(readFileSync(join(first.dir, 'model.json'), 'utf8'));
  expect(model.format).toBe('layers-model');
  await expect(page.getByText(/^Exported TensorFlow\.js with the initial weights/)).toBeVisible();

  // Import… the exported model: the chooser takes model.json and its weights file together.
  const choosing = page.waitForEvent('filechooser');
  await moreCommand(page, 'Import…');
  const chooser = await choosing;
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles([join(first.dir, 'model.json'), join(first.dir, 'weights.bin')]);

  const badge = page.getByTestId('pretrained-badge');
  await expect(badge).toBeVisible();
  await expect(badge).toContainText('Pretrained weights');
  await expect(badge).toContainText('model.json');
  await expect(page.getByTestId('file-status')).toContainText('not saved yet');
  await expect(page.getByTestId('file-status')).toContainText('unsaved changes');
  expect((await layerIds(page)).sort()).toEqual([...original].sort());
  await expect(node(page, 'bn1')).toBeVisible();
  await dismissNotices(page);
  await shot('31-imported-pretrained');

  // The document keeps the imported weights: exporting its initial weights gives them back, byte for byte.
  const again = await exportAs(page, testInfo, 'reexported', 'TensorFlow.js', 'Initial');
  expect(readFileSync(join(again.dir, 'weights.bin'))).toEqual(readFileSync(join(first.dir, 'weights.bin')));
  await expect(page.getByText(/^Exported TensorFlow\.js with the pretrained weights/)).toBeVisible();

  // Fine-tune: Train starts from the pretrained weights.
  await expect(trainButton(page)).toHaveAttribute('title', 'Fine-tune from the pretrained weights');
  await trainButton(page).click();
  await waitForRecords(page, 5);
  await page.getByRole('button', { name: '■ Stop' }).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', /stopped|finished/);
  await dismissNotices(page);
  await shot('32-fine-tuned-pretrained');

  // The trained weights, as a Keras 3 archive: the run's, not the pretrained ones.
  const trained = await exportAs(page, testInfo, 'trained', 'Keras 3', 'Trained');
  expect(readdirSync(trained.dir)).toEqual(['model.keras']);
  await expect(page.getByText(/^Exported Keras 3 with the trained weights/)).toBeVisible();

  // The same trained weights as ONNX: one model.onnx that ONNX Runtime runs, with the design's input.
  const onnx = await exportAs(page, testInfo, 'onnx', 'ONNX', 'Trained');
  expect(onnx.zipName).toBe('Deep-sigmoid-MLP-with-batch-normalization-onnx.zip');
  expect(readdirSync(onnx.dir)).toEqual(['model.onnx']);
  await expect(page.getByText(/^Exported ONNX with the trained weights/)).toBeVisible();
  const session = await ort.InferenceSession.create(join(onnx.dir, 'model.onnx'));
  const [input] = session.inputNames;
  const result = await session.run({
    [input]: new ort.Tensor('float32', Float32Array.of(0.5, -0.5), [1, 2]),
  });
  const probabilities = Array.from(result[session.outputNames[0]].data as Float32Array);
  expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  await session.release();

  // Reset weights drops the run and the pretrained weights: the next run starts from the seeded ones.
  await page.getByRole('button', { name: 'Reset weights' }).click();
  await expect(badge).toBeHidden();
  await expect(trainButton(page)).toHaveAttribute('title', 'Train from the seeded initial weights');

  expect(consoleErrors).toEqual([]);
});

test('Keras 3 .keras and ONNX exports import back alone: the same layers, their weights as the pretrained ones', async ({
  page,
  shot,
  consoleErrors,
}, testInfo) => {
  await openExample(page, EXAMPLE);
  const original = await layerIds(page);
  const keras = await exportAs(page, testInfo, 'keras3', 'Keras 3', 'Initial');
  expect(keras.zipName).toBe('Deep-sigmoid-MLP-with-batch-normalization-keras.zip');
  expect(readdirSync(keras.dir)).toEqual(['model.keras']);
  await expect(page.getByText(/^Exported Keras 3 with the initial weights/)).toBeVisible();
  const choosing = page.waitForEvent('filechooser');
  await moreCommand(page, 'Import…');
  await (await choosing).setFiles(join(keras.dir, 'model.keras'));
  const badge = page.getByTestId('pretrained-badge');
  await expect(badge).toBeVisible();
  await expect(badge).toContainText('model.keras');
  expect((await layerIds(page)).sort()).toEqual([...original].sort());
  await dismissNotices(page);
  await shot('34-imported-keras3');

  // The same as ONNX: model.onnx alone imports back too.
  const onnx = await exportAs(page, testInfo, 'onnx-initial', 'ONNX', 'Initial');
  const choosingOnnx = page.waitForEvent('filechooser');
  page.once('dialog', (dialog) => void dialog.accept()); // the imported design is not saved: discard it
  await moreCommand(page, 'Import…');
  await (await choosingOnnx).setFiles(join(onnx.dir, 'model.onnx'));
  await expect(badge).toContainText('model.onnx');
  expect((await layerIds(page)).sort()).toEqual([...original].sort());
  expect(consoleErrors).toEqual([]);
});

test('an import without its weights file says which file to add; weights that no longer fit start from the seed, named', async ({
  page,
  shot,
}, testInfo) => {
  await openExample(page, 'Remedy: three sigmoid layers instead of ten');
  const exported = await exportAs(page, testInfo, 'small', 'TensorFlow.js', 'Initial');
  const importing = async (files: string[]) => {
    const choosing = page.waitForEvent('filechooser');
    await page.keyboard.press(`${MOD}+i`);
    await (await choosing).setFiles(files.map((name) => join(exported.dir, name)));
  };
  await importing(['model.json']);
  await expect(
    page.getByText(
      'Import failed: model.json needs its weights file "weights.bin": choose it together with model.json',
    ),
  ).toBeVisible();
  await expect(page.getByTestId('pretrained-badge')).toBeHidden();

  // With its weights, then edited so that some no longer fit: Train sends them, the run starts
  // from those that fit and says which start from the seed (a new head, a widened layer).
  await importing(['model.json', 'weights.bin']);
  await expect(page.getByTestId('pretrained-badge')).toBeVisible();
  await select(page, 'd1');
  await page.getByLabel('Units', { exact: true }).fill('32');
  await expect(node(page, 'd1').locator('.shape')).toHaveText('→ 32');
  await trainButton(page).click();
  const notices = page.getByTestId('run-notices');
  await expect(notices).toContainText(
    'd1/kernel: the file has [2, 64], layer d1 needs [2, 32]; starts from the seed',
  );
  await expect(notices).toContainText('d2/kernel: the file has [64, 64], layer d2 needs [32, 64]');
  await expect(notices).not.toContainText('d3/kernel');
  await waitForRecords(page, 3);
  await expect(page.getByTestId('run-error')).toBeHidden();
  await shot('33-pretrained-partly-fitting');
});
