/**
 * When the engine goes away mid-run: its worker crashes, or the whole
 * engine server dies. Each time the training view must say so plainly, keep
 * the design (with its unsaved edits) and the telemetry shown so far, and
 * let the user get an engine back and train again. Each test runs its own
 * `backflow serve` (see helpers/own-server.ts), which it crashes or kills.
 */
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expect, test } from './helpers/fixtures';
import { startOwnServer, type OwnServer } from './helpers/own-server';
import { heatmaps, openExample, trainButton, trainingState, waitForRecords } from './helpers/training';

let server: OwnServer | undefined;
test.afterEach(async () => {
  await server?.kill();
  server = undefined;
});

/** The design as the app would save it (the Save button's download). */
async function savedDesign(page: Page): Promise<string> {
  const downloading = page.waitForEvent('download');
  await page.getByRole('group', { name: 'File' }).getByRole('button', { name: 'Save', exact: true }).click();
  const path = await (await downloading).path();
  return readFileSync(path, 'utf8');
}

/** Opens the deep sigmoid example, edits it without saving (a run long enough to crash in), trains. */
async function trainEditedExample(page: Page, url: string): Promise<string> {
  await openExample(page, 'Deep sigmoid MLP', url);
  await page.getByRole('button', { name: /Show training/ }).click();
  const epochs = page.locator('#set-epochs');
  await epochs.fill('2000');
  await epochs.blur();
  const design = await savedDesign(page);
  expect(JSON.parse(design).training.epochs, 'the unsaved edit is part of the design').toBe(2000);
  await page.getByRole('button', { name: 'Dismiss' }).click(); // the "Saved …" notice
  await trainButton(page).click();
  await waitForRecords(page, 3);
  return design;
}

const records = async (page: Page) =>
  Number(await heatmaps(page).last().getByTestId('heatmap-canvas').getAttribute('data-records'));

test('an engine that crashes mid-run is reported, restarts on request, and trains the same design', async ({
  page,
  shot,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  server = await startOwnServer();
  const design = await trainEditedExample(page, server.url);

  await server.crashEngines();
  const alert = page.getByTestId('engine-down');
  await expect(alert).toContainText('The engine stopped unexpectedly');
  await expect(alert).toContainText(/The run stopped after \d+ steps/);
  await expect(alert).toContainText('Your design is safe');
  await expect(trainingState(page)).toHaveAttribute('data-state', 'stopped');
  await expect(trainButton(page)).toBeDisabled();
  const kept = await records(page);
  expect(kept, 'the telemetry shown so far is kept').toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.mouse.move(5, 5);
  await shot('23-training-engine-crashed');

  await alert.getByRole('button', { name: 'Restart engine' }).click();
  await expect(alert).toHaveCount(0);
  await expect(page.getByTestId('engine-back')).toContainText(/The last run stopped after \d+ steps/);
  await expect(trainButton(page)).toBeEnabled();
  expect(await records(page), 'restarting keeps the stopped run on screen').toBe(kept);
  await trainButton(page).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await expect(page.getByTestId('engine-back')).toHaveCount(0);
  await waitForRecords(page, 3);
  await page.mouse.move(5, 5);
  await shot('24-training-engine-restarted');
  await page.getByRole('button', { name: /Stop$/ }).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'stopped');
  expect(await savedDesign(page), 'the design, unsaved edit included, is unchanged').toBe(design);
  expect(consoleErrors).toEqual([]);
});

test('a lost engine server is reported while the app retries, and it trains again once the server is back', async ({
  page,
  shot,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  server = await startOwnServer();
  const design = await trainEditedExample(page, server.url);
  const { port } = server;

  await server.kill();
  const alert = page.getByTestId('engine-down');
  await expect(alert).toContainText('Lost the connection to the engine server');
  await expect(alert).toContainText(/The run stopped after \d+ steps/);
  await expect(trainingState(page)).toHaveAttribute('data-state', 'stopped');
  // The message stays put while the app retries in the background (it used to flicker away).
  await page.waitForTimeout(2500);
  await expect(alert).toContainText('Lost the connection to the engine server');
  await expect(alert).toContainText(/retrying/i);
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.mouse.move(5, 5);
  await shot('25-training-connection-lost');

  await expect(alert.getByRole('button', { name: 'Reconnect now' })).toBeEnabled();

  // Back on the same address: the app reconnects by itself (retries back off to 8 s at most).
  server = await startOwnServer(port);
  await expect(alert).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('engine-back')).toContainText(/The last run stopped after \d+ steps/);
  await expect(trainButton(page)).toBeEnabled();
  await trainButton(page).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await waitForRecords(page, 3);
  await page.getByRole('button', { name: /Stop$/ }).click();
  await expect(trainingState(page)).toHaveAttribute('data-state', 'stopped');
  expect(await savedDesign(page), 'the design, unsaved edit included, is unchanged').toBe(design);
  // The browser logs each refused reconnection attempt itself: expected here, not the app's errors.
  const appErrors = consoleErrors.filter((e) => !/WebSocket connection to .* failed/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...appErrors);
});
