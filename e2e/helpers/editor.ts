/**
 * What a user does with the editor, as Playwright steps: real pointer drags
 * (palette → canvas, handle → handle) rather than calls into the app.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export const node = (page: Page, id: string): Locator => page.locator(`.svelte-flow__node[data-id="${id}"]`);

export const edgesInto = (page: Page, id: string): Locator =>
  page.locator(`.svelte-flow__edge[aria-label^="Connection from"][aria-label*=" to ${id}"]`);

/** Opens the editor on a new, empty design. */
export async function newDesign(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'New design' }).click();
  await expect(page.locator('.svelte-flow__pane')).toBeVisible();
}

async function center(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element is not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with the mouse in small steps, as a hand would. */
export async function drag(
  page: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 20 });
  await page.mouse.up();
}

/** Drags a palette item onto the canvas at (x, y) relative to the canvas' top-left corner. */
export async function dragFromPalette(page: Page, item: string, x: number, y: number): Promise<void> {
  const pane = await page.locator('.svelte-flow').boundingBox();
  if (!pane) throw new Error('no canvas');
  await drag(page, await center(page.locator(`[data-palette-item="${item}"]`)), {
    x: pane.x + x,
    y: pane.y + y,
  });
}

function handles(page: Page, source: string, target: string, handle?: string): [Locator, Locator] {
  const from = node(page, source).locator('.svelte-flow__handle.source');
  const to = node(page, target).locator(
    handle ? `.svelte-flow__handle.target[data-handleid="${handle}"]` : '.svelte-flow__handle.target',
  );
  return [from, to];
}

/** Drags from `source`'s output handle to `target`'s input handle (`handle` for a merge slot). */
export async function connect(page: Page, source: string, target: string, handle?: string): Promise<void> {
  const [from, to] = handles(page, source, target, handle);
  await drag(page, await center(from), await center(to));
}

/**
 * Starts the same drag but keeps the button down over the target handle, so
 * the test can read what the editor says; call the returned function to drop.
 */
export async function hoverConnection(
  page: Page,
  source: string,
  target: string,
  handle?: string,
): Promise<() => Promise<void>> {
  const [from, to] = handles(page, source, target, handle);
  const start = await center(from);
  const end = await center(to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 20 });
  return () => page.mouse.up();
}

/** The output shape printed on a node's face (`64`, `28×28×16`). */
export async function shapeOf(page: Page, id: string): Promise<string> {
  const text = (await node(page, id).locator('.shape').textContent()) ?? '';
  return text.replace('→', '').trim();
}

/** Clicks a node to select it (its middle: zoomed out, its small title is hidden behind the large one). */
export async function select(page: Page, id: string, modifiers: ('Shift' | 'Control')[] = []): Promise<void> {
  await node(page, id).click({ modifiers });
}

/** Clicks an empty spot of the canvas (clears the selection and moves focus off any field). */
export async function clickEmptyCanvas(page: Page): Promise<void> {
  const pane = await page.locator('.svelte-flow').boundingBox();
  if (!pane) throw new Error('no canvas');
  await page.mouse.click(pane.x + 30, pane.y + pane.height - 200);
}

export async function positionOf(page: Page, id: string): Promise<{ x: number; y: number }> {
  const box = await node(page, id).boundingBox();
  if (!box) throw new Error(`node ${id} is not visible`);
  return { x: box.x, y: box.y };
}

/** Runs a command from the toolbar's ⋯ menu (Save As…, Export…, Import…, Shapes on edges). */
export async function moreCommand(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'More commands' }).click();
  await page.getByRole('menu', { name: 'More commands' }).getByRole('menuitem', { name }).click();
}
