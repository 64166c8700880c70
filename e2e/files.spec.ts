/**
 * Designs as files in browser mode, as a new user would: build a network by
 * dragging, save it (a download), reload the page, open the saved file (an
 * upload) and find it identical — the same serializeDesign text, byte for
 * byte, when saved again. The Electron twin is electron.spec.ts.
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { parseDesign, serializeDesign } from '../src-shared/design/index';
import { connect, dragFromPalette, edgesInto, newDesign, node } from './helpers/editor';
import { expect, test } from './helpers/fixtures';

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

async function savedText(download: Download): Promise<string> {
  const path = await download.path();
  return readFileSync(path, 'utf8');
}

/** Clicks Save (or presses a shortcut) and returns the downloaded file. */
async function save(page: Page, how: 'button' | 'shortcut'): Promise<Download> {
  const downloading = page.waitForEvent('download');
  if (how === 'button')
    await page
      .getByRole('group', { name: 'File' })
      .getByRole('button', { name: 'Save', exact: true })
      .click();
  else await page.keyboard.press(`${MOD}+s`);
  return downloading;
}

test('build a network, save it, reload, open the saved file: identical', async ({
  page,
  shot,
  consoleErrors,
}, testInfo) => {
  await newDesign(page);
  const status = page.getByTestId('file-status');
  await expect(status).toHaveText('not saved yet');

  await dragFromPalette(page, 'input', 120, 200);
  await dragFromPalette(page, 'dense', 360, 160);
  // The palette scrolls: bring the output item into view before dragging it.
  await page.locator('[data-palette-item="output"]').scrollIntoViewIfNeeded();
  await dragFromPalette(page, 'output', 600, 240);
  await connect(page, 'in1', 'dense1');
  await connect(page, 'dense1', 'out1');
  await expect(page.getByTestId('toolbar-status')).toContainText('Trainable');
  await expect(status).toContainText('unsaved changes');
  await expect(page).toHaveTitle('• Untitled design — Backflow');
  await shot('files-01-unsaved');

  const first = await save(page, 'button');
  expect(first.suggestedFilename()).toBe('Untitled-design.backflow.json');
  const text = await savedText(first);
  const parsed = parseDesign(text);
  expect(parsed.ok, 'the download is a valid design').toBe(true);
  if (!parsed.ok) return;
  expect(serializeDesign(parsed.design)).toBe(text);
  expect(parsed.design.graph.nodes.map((n) => n.id)).toEqual(['in1', 'dense1', 'out1']);
  expect(parsed.design.graph.edges).toHaveLength(2);
  await expect(status).toHaveText('Untitled-design.backflow.json');
  await expect(page).toHaveTitle('Untitled-design.backflow.json — Backflow');
  await shot('files-02-saved');

  // A fresh page knows nothing of the design: open the saved file as a user would.
  const file = testInfo.outputPath('saved.backflow.json');
  await first.saveAs(file);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Backflow', level: 1 })).toBeVisible();
  const choosing = page.waitForEvent('filechooser');
  await page.getByText('Open a design file…').click();
  await (await choosing).setFiles(file);

  for (const id of ['in1', 'dense1', 'out1']) await expect(node(page, id)).toBeVisible();
  await expect(edgesInto(page, 'out1')).toHaveCount(1);
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);
  await expect(status).toHaveText('saved.backflow.json');
  await shot('files-03-reopened');

  // Saving the reopened design changes no byte.
  const again = await save(page, 'shortcut');
  expect(again.suggestedFilename()).toBe('saved.backflow.json');
  expect(await savedText(again)).toBe(text);
  expect(consoleErrors).toEqual([]);
});

test('opening with unsaved changes asks first; dismissing keeps the work', async ({ page }) => {
  await newDesign(page);
  await dragFromPalette(page, 'dense', 300, 200);
  await expect(page.getByTestId('file-status')).toContainText('unsaved changes');
  const asked: string[] = [];
  page.once('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByRole('group', { name: 'File' }).getByRole('button', { name: 'New', exact: true }).click();
  await expect.poll(() => asked).toEqual(['Discard the unsaved changes to Untitled design?']);
  await expect(node(page, 'dense1')).toBeVisible();

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('group', { name: 'File' }).getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(0);
  await expect(page.getByTestId('file-status')).toHaveText('not saved yet');
});
