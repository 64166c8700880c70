/**
 * What a first-time user reads before and around their first run, at the
 * smallest supported window (1024×640): the progress counters say how long
 * the design will train before it has trained, and stay on one line.
 */
import { expect, test } from './helpers/fixtures';
import { openExample, stopRun, trainButton } from './helpers/training';

test.use({ viewport: { width: 1024, height: 640 } });
test.use(process.env.BACKFLOW_SERVE_URL ? { baseURL: process.env.BACKFLOW_SERVE_URL } : {});

test("before the first run the progress line counts to the design's epochs, on one line", async ({
  page,
  shot,
}) => {
  await openExample(page, 'Deep sigmoid MLP');
  const epoch = page.getByTestId('training-epoch');
  // The example trains for 20 epochs; "Epoch 0/0" read as though it would train for none.
  await expect(epoch).toHaveText('Epoch 0/20');
  await expect(page.getByTestId('training-step')).toHaveText('Step 0');

  // Editing the setting shows at once.
  const field = page.getByRole('textbox', { name: 'Epochs' });
  await field.fill('5');
  await field.press('Tab');
  await expect(epoch).toHaveText('Epoch 0/5');

  // Not broken over two lines in a 1024-px window: as tall as the "Idle" label beside it.
  const idle = await page.getByTestId('training-progress').boundingBox();
  const box = await epoch.boundingBox();
  const lineHeight = await epoch.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 16);
  expect(box && idle).toBeTruthy();
  expect(box!.height).toBeLessThan(lineHeight * 1.5);
  await shot('new-user-progress-1024');
});

test('while training in a 1024-px window the progress line shows the loss, and drops whole counters, not half of one', async ({
  page,
  shot,
}) => {
  await openExample(page, 'Conv net on MNIST: sigmoid');
  await trainButton(page).click();
  const line = page.getByTestId('training-progress');
  const loss = page.getByTestId('training-loss');
  await expect(loss).toHaveText(/^loss \d/, { timeout: 60_000 });
  const box = (await line.boundingBox())!;
  // Every counter is either wholly on the visible line or wholly below it (hidden).
  for (const counter of await line.locator('span').all()) {
    const b = (await counter.boundingBox())!;
    const shown = b.y < box.y + box.height;
    if (shown)
      expect(b.x + b.width, (await counter.textContent()) ?? '').toBeLessThanOrEqual(box.x + box.width + 0.5);
    else expect(b.y).toBeGreaterThanOrEqual(box.y + box.height - 0.5);
  }
  // The loss is among the shown ones.
  const l = (await loss.boundingBox())!;
  expect(l.y).toBeLessThan(box.y + box.height);
  expect(l.x + l.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
  await shot('new-user-progress-running-1024');
  await stopRun(page);
});

test('the .zip an export downloads imports back as it is, without unpacking it first', async ({
  page,
  shot,
}, testInfo) => {
  await openExample(page, 'Deep sigmoid MLP');
  // The second import replaces the first, unsaved, imported design: discard it.
  page.on('dialog', (d) => void d.accept());
  for (const [format, modelFile] of [
    ['Keras 3', 'model.keras'],
    ['ONNX', 'model.onnx'],
  ] as const) {
    await page.getByRole('button', { name: 'More commands' }).click();
    await page.getByRole('menuitem', { name: /^Export/ }).click();
    const dialog = page.getByRole('dialog', { name: /^Export/ });
    await dialog.getByRole('radio', { name: new RegExp(`^${format}`) }).check();
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const download = await downloading;
    const zip = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(zip);

    const choosing = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'More commands' }).click();
    await page.getByRole('menuitem', { name: /^Import/ }).click();
    await (await choosing).setFiles(zip);
    // Before: "Import failed: no model file among …-keras.zip".
    await expect(page.getByTestId('pretrained-badge')).toContainText(modelFile);
    await expect(page.getByText(/Import failed/)).toHaveCount(0);
  }
  await shot('new-user-imported-zip');
});

test('unfinished text in a number field stays when the user clicks back into it, or another field commits', async ({
  page,
}) => {
  await openExample(page, 'Deep sigmoid MLP');
  const epochs = page.getByRole('textbox', { name: 'Epochs' });
  const rate = page.getByRole('textbox', { name: 'Learning rate' });
  await epochs.fill('-');
  await rate.click();
  await expect(page.getByTestId('train-blocked')).toHaveText('Train waits for a valid Epochs');
  // Another field's value committed (Enter) while Epochs is unfinished.
  await rate.fill('0.05');
  await rate.press('Enter');
  await expect(epochs).toHaveValue('-');
  // Coming back to finish it: before, focusing put the old "20" back (and a quick type gave "20300").
  await epochs.click();
  await expect(epochs).toHaveValue('-');
  await epochs.press('End');
  await epochs.press('Backspace');
  await epochs.pressSequentially('300');
  await epochs.press('Tab');
  await expect(epochs).toHaveValue('300');
  await expect(page.getByTestId('training-epoch')).toHaveText('Epoch 0/300');
  await expect(page.getByTestId('train-blocked')).toHaveCount(0);
});

test('notices do not cover the training controls or the settings strip in a 1024×640 window', async ({
  page,
}) => {
  await openExample(page, 'Deep sigmoid MLP');
  await page.getByRole('button', { name: 'More commands' }).click();
  await page.getByRole('menuitem', { name: /^Export/ }).click();
  const downloading = page.waitForEvent('download');
  await page
    .getByRole('dialog', { name: /^Export/ })
    .getByRole('button', { name: 'Export', exact: true })
    .click();
  await downloading;
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('Exported TensorFlow.js');
  const box = (await notice.boundingBox())!;
  for (const covered of [
    page.getByRole('toolbar', { name: 'Training controls' }),
    page.getByRole('textbox', { name: 'Epochs' }),
    page.getByRole('button', { name: 'More commands' }),
  ]) {
    const other = (await covered.boundingBox())!;
    const overlap =
      box.x < other.x + other.width &&
      other.x < box.x + box.width &&
      box.y < other.y + other.height &&
      other.y < box.y + box.height;
    expect(overlap, `the notice covers ${await covered.evaluate((el) => el.outerHTML.slice(0, 80))}`).toBe(
      false,
    );
  }
});

test('a run row names the design once: "Run 1 · Deep sigmoid MLP", then "this design · finished"', async ({
  page,
}) => {
  await openExample(page, 'Deep sigmoid MLP');
  const epochs = page.getByRole('textbox', { name: 'Epochs' });
  await epochs.fill('1');
  await epochs.press('Enter');
  await page.getByRole('button', { name: /^▶ Train/ }).click();
  await expect(page.getByTestId('training-epoch')).toHaveText('Epoch 1/1', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: /^▶ Train again/ })).toBeEnabled({ timeout: 30_000 });
  // With the loss shown too, the progress bar keeps its place in a 1024-px window.
  const bar = (await page.getByRole('progressbar', { name: 'Training progress' }).boundingBox())!;
  expect(bar.width).toBeGreaterThanOrEqual(40);
  await page.getByRole('button', { name: /^Runs \(/ }).click();
  const row = page.getByTestId('run-row');
  await expect(row.locator('strong')).toHaveText('Run 1 · Deep sigmoid MLP');
  // Before: "Deep sigmoid MLP this design · finished" under a name that already said it.
  await expect(row.locator('.sub').first()).toHaveText(/^\s*this design · (finished|stopped)\s*$/);
});
