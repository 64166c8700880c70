/**
 * Readable at every window size: at 1024×700, 1440×900, 1920×1080 and 2560×1440 the
 * toolbar is one row, and every node of the network lies inside the visible
 * canvas after opening an example, opening a design file, importing a model,
 * opening the training dock and dragging its splitter (remembered on reload).
 * Screenshots at each size are test artifacts.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { moreCommand } from './helpers/editor';
import { expect, test } from './helpers/fixtures';

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
  { width: 2560, height: 1440 },
] as const;

const FIXTURES = join(import.meta.dirname, '../resources/fixtures/models');

/** Waits for the canvas to settle, then checks that every node's box lies inside it. */
async function expectNetworkInView(page: Page, minNodes: number): Promise<void> {
  const nodes = page.locator('.svelte-flow__node');
  await expect.poll(() => nodes.count()).toBeGreaterThanOrEqual(minNodes);
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const canvas = document.querySelector('.svelte-flow')!.getBoundingClientRect();
          const out: string[] = [];
          for (const n of document.querySelectorAll<HTMLElement>('.svelte-flow__node')) {
            const r = n.getBoundingClientRect();
            const inside =
              r.left >= canvas.left - 0.5 &&
              r.top >= canvas.top - 0.5 &&
              r.right <= canvas.right + 0.5 &&
              r.bottom <= canvas.bottom + 0.5;
            if (!inside || r.width === 0) out.push(n.dataset.id ?? '?');
          }
          return out;
        }),
      { message: 'nodes outside the visible canvas' },
    )
    .toEqual([]);
}

/** One row: every control of the toolbar sits on the same line. */
async function expectToolbarOneRow(page: Page): Promise<void> {
  const rows = await page.evaluate(() => {
    const toolbar = document.querySelector('.toolbar')!;
    const tops = [...toolbar.children]
      .map((c) => c.getBoundingClientRect())
      .filter((r) => r.width > 0)
      .map((r) => Math.round(r.top + r.height / 2));
    return { spread: Math.max(...tops) - Math.min(...tops), height: toolbar.getBoundingClientRect().height };
  });
  expect(rows.spread, 'toolbar controls share one line').toBeLessThanOrEqual(4);
  expect(rows.height, 'toolbar height').toBeLessThan(52);
  const overflow = await page.evaluate(() => {
    const t = document.querySelector('.toolbar')!;
    return t.scrollWidth - t.clientWidth;
  });
  expect(overflow, 'nothing cut off at the right').toBeLessThanOrEqual(0);
}

for (const size of SIZES) {
  test(`${size.width}×${size.height}: one-row toolbar, the whole network in view after open, import and dock`, async ({
    page,
    shot,
  }) => {
    await page.setViewportSize(size);
    await page.goto('/');
    await page.evaluate(() => localStorage.removeItem('backflow.dockHeight'));
    const tag = `layout-${size.width}x${size.height}`;

    // A gallery example: 21 layers, wider than any canvas at 1:1.
    await page
      .getByRole('button', {
        name: 'Open example: Remedy: skip connections around the sigmoids',
        exact: true,
      })
      .click();
    await expectNetworkInView(page, 21);
    await expectToolbarOneRow(page);
    // The run settings are in view before Train, with the backend chip.
    for (const label of ['Data set', 'Optimizer', 'Learning rate', 'Batch size', 'Epochs', 'Seed'])
      await expect(page.getByLabel(label, { exact: true })).toBeInViewport();
    await expect(page.getByTestId('training-backend')).toBeInViewport();
    await shot(`${tag}-1-example`);

    // The dock opens: the canvas shrinks and the network is fitted again.
    await page.getByRole('button', { name: /Show training/ }).click();
    const dock = page.getByTestId('training-dock');
    await expectNetworkInView(page, 21);
    await shot(`${tag}-2-dock`);

    // Dragging the splitter up gives the dock more room; the network follows.
    const before = (await dock.boundingBox())!.height;
    const bar = (await page.getByTestId('dock-splitter').boundingBox())!;
    await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
    await page.mouse.down();
    await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2 - 80, { steps: 10 });
    await page.mouse.up();
    const after = (await dock.boundingBox())!.height;
    expect(after).toBeGreaterThan(before + 60);
    await expectNetworkInView(page, 21);
    const canvas = (await page.locator('.svelte-flow').boundingBox())!;
    expect(canvas.height, 'the canvas keeps usable room').toBeGreaterThanOrEqual(200);
    await shot(`${tag}-3-dock-dragged`);

    // Importing a model replaces the network: fitted, with the dock still open.
    const choosing = page.waitForEvent('filechooser');
    await moreCommand(page, 'Import…');
    await (await choosing).setFiles(join(FIXTURES, 'keras3-functional-residual.json'));
    await expect(page.getByLabel('Design name')).not.toHaveValue(
      'Remedy: skip connections around the sigmoids',
    );
    await expectNetworkInView(page, 3);
    await expectToolbarOneRow(page);
    await shot(`${tag}-4-import`);

    // The dock's height is remembered across a reload.
    await page.reload();
    await page.getByRole('button', { name: 'Open example: Deep sigmoid MLP', exact: true }).click();
    await expectNetworkInView(page, 12);
    await page.getByRole('button', { name: /Show training/ }).click();
    await expect.poll(async () => Math.round((await dock.boundingBox())!.height)).toBe(Math.round(after));
    await expectNetworkInView(page, 12);
  });
}

test('opening a design file fits it in view, dock open, at 1024×700', async ({ page, shot }, testInfo) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto('/');
  await page.getByRole('button', { name: 'Open example: He et al. 2016: plain 20', exact: true }).click();
  await expectNetworkInView(page, 21);
  await page.getByRole('button', { name: /Show training/ }).click();
  // Save (a download), then open it again from the toolbar while the dock is open.
  const downloading = page.waitForEvent('download');
  await page.getByRole('group', { name: 'File' }).getByRole('button', { name: 'Save', exact: true }).click();
  const file = testInfo.outputPath('plain-20.backflow.json');
  await (await downloading).saveAs(file);
  await page.getByRole('group', { name: 'File' }).getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(0);
  const choosing = page.waitForEvent('filechooser');
  await page.getByRole('group', { name: 'File' }).getByRole('button', { name: 'Open…' }).click();
  await (await choosing).setFiles(file);
  await expectNetworkInView(page, 21);
  await expectToolbarOneRow(page);
  await shot('layout-1024x700-5-opened-file');
});

test('an Add node’s slot labels never overlap its text', async ({ page, shot }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await page.getByRole('button', { name: 'New design' }).click();
  await page.locator('[data-palette-item="input"]').dblclick();
  await page.locator('[data-palette-item="add"]').dblclick();
  const add = page.locator('.svelte-flow__node[data-id="add1"]');
  await expect(add.locator('.slot')).toHaveCount(2);
  const overlaps = await add.evaluate((node) => {
    const boxes = (selector: string) =>
      [...node.querySelectorAll(selector)].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
    const slots = boxes('.slot');
    const text = boxes('.head > *, .summary, .foot > *, .problem');
    const hit = (a: DOMRect, b: DOMRect) =>
      a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return {
      slots: slots.length,
      text: text.length,
      hits: slots.flatMap((s) => text.filter((t) => hit(s, t))).length,
    };
  });
  expect(overlaps.slots).toBe(2);
  expect(overlaps.text).toBeGreaterThanOrEqual(3);
  expect(overlaps.hits).toBe(0);
  await add.screenshot({ path: test.info().outputPath('add-node.png') });
  await shot('layout-add-node');
});
