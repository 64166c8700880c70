/**
 * The Runs list fits the dock at common window sizes: every run's actions
 * (Rename … Delete) are on screen without scrolling sideways. Six buttons in
 * one unbreakable line pushed Delete out of the list at 1400 px and less.
 */
import { expect, test } from './helpers/fixtures';
import { openExample, trainButton, trainingState, waitForRecords } from './helpers/training';

test.use(process.env.BACKFLOW_SERVE_URL ? { baseURL: process.env.BACKFLOW_SERVE_URL } : {});

for (const [width, height] of [
  [1024, 640],
  [1280, 800],
  [1440, 900],
] as const) {
  test(`${width}×${height}: a run's actions are all in view in the Runs list`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height });
    await openExample(page, 'Deep sigmoid MLP');
    await trainButton(page).click();
    await waitForRecords(page, 3);
    // To the end (160 steps): on a fast machine a Stop can arrive after the run has finished.
    await expect(trainingState(page)).toHaveAttribute('data-state', 'finished', { timeout: 90_000 });
    await page.getByRole('button', { name: /^Runs \(/ }).click();
    const list = page.getByTestId('runs-view').locator('section.list');
    await expect(page.getByTestId('run-row')).toHaveCount(1);
    // Nothing to scroll sideways, and the last action inside the list's box.
    for (const [what, box] of [
      ['the Runs list', list],
      ['the Runs view', page.getByTestId('runs-view')],
    ] as const) {
      const overflow = await box.evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow, `${what} scrolls sideways`).toBeLessThanOrEqual(0);
    }
    const box = (await list.boundingBox())!;
    for (const name of ['Rename', 'CSV', 'JSONL', 'PNG', 'Export', 'Delete']) {
      const button = page.getByTestId('run-row').getByRole('button', { name: new RegExp(`^${name}`) });
      const b = (await button.boundingBox())!;
      expect(b.x + b.width, `${name} ends inside the list`).toBeLessThanOrEqual(box.x + box.width + 0.5);
    }
    await page.screenshot({ path: testInfo.outputPath(`runs-${width}.png`) });
  });
}
