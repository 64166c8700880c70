/**
 * The editor as a new user meets it: build a small network by dragging from
 * the palette and between handles, edit it in the inspector, undo, lay it out,
 * add a residual block. Any console error fails the test (see fixtures.ts).
 */
import { expect, saveScreenshot, test } from './helpers/fixtures';
import {
  clickEmptyCanvas,
  connect,
  drag,
  dragFromPalette,
  edgesInto,
  hoverConnection,
  newDesign,
  node,
  positionOf,
  select,
  shapeOf,
} from './helpers/editor';

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

test('build input → 3 dense → output by dragging, edit, undo, lay out, add a residual block', async ({
  page,
  shot,
  consoleErrors,
}) => {
  await newDesign(page);
  await shot('01-empty-editor');

  // Drag an input, three dense layers and an output onto the canvas.
  await dragFromPalette(page, 'input', 120, 200);
  await dragFromPalette(page, 'dense', 360, 120);
  await dragFromPalette(page, 'dense', 360, 320);
  await dragFromPalette(page, 'dense', 600, 220);
  await dragFromPalette(page, 'output', 820, 320);
  for (const id of ['in1', 'dense1', 'dense2', 'dense3', 'out1']) await expect(node(page, id)).toBeVisible();
  await expect(page.getByTestId('toolbar-status')).toContainText('problem');
  await shot('02-layers-dropped');

  // Connect them by dragging from each output handle to the next input handle.
  await connect(page, 'in1', 'dense1');
  await connect(page, 'dense1', 'dense2');
  await connect(page, 'dense2', 'dense3');
  await connect(page, 'dense3', 'out1');
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(4);
  await expect(page.getByTestId('toolbar-status')).toContainText('Trainable');
  expect(await shapeOf(page, 'in1')).toBe('2');
  expect(await shapeOf(page, 'dense2')).toBe('64');
  expect(await shapeOf(page, 'out1')).toBe('3');
  await shot('03-connected');

  // Change a unit count in the inspector; the shapes downstream follow once a valid value is typed.
  await select(page, 'dense2');
  const units = page.getByLabel('Units', { exact: true });
  await expect(units).toHaveValue('64');
  await units.fill('0');
  await expect(page.getByRole('alert').filter({ hasText: 'Units must be from 1' })).toBeVisible();
  expect(await shapeOf(page, 'dense2')).toBe('64'); // an invalid value is never committed
  await units.fill('32');
  await expect(node(page, 'dense2').locator('.shape')).toHaveText('→ 32');
  await expect(page.locator('.svelte-flow__edge-label', { hasText: '32' })).toHaveCount(1);
  await expect(page.getByTestId('inspector-params')).toHaveText('2,080');
  await shot('04-units-changed');

  // Undo and redo from the keyboard (focus back on the canvas first).
  await clickEmptyCanvas(page);
  await page.keyboard.press(`${MOD}+z`);
  await expect(node(page, 'dense2').locator('.shape')).toHaveText('→ 64');
  await page.keyboard.press(`Shift+${MOD}+z`);
  await expect(node(page, 'dense2').locator('.shape')).toHaveText('→ 32');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(node(page, 'dense2').locator('.shape')).toHaveText('→ 64');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(node(page, 'dense2').locator('.shape')).toHaveText('→ 32');

  // Auto-layout top to bottom: the chain becomes a column.
  await page.getByRole('button', { name: 'Layout ↓' }).click();
  await expect
    .poll(async () => {
      const ys = await Promise.all(
        ['in1', 'dense1', 'dense2', 'dense3', 'out1'].map((id) => positionOf(page, id)),
      );
      return ys.every((p, i) => i === 0 || p.y > ys[i - 1].y);
    })
    .toBe(true);
  await shot('05-auto-layout-tb');
  await page.getByRole('button', { name: 'Layout →' }).click();
  await expect
    .poll(async () => {
      const xs = await Promise.all(
        ['in1', 'dense1', 'dense2', 'dense3', 'out1'].map((id) => positionOf(page, id)),
      );
      return xs.every((p, i) => i === 0 || p.x > xs[i - 1].x);
    })
    .toBe(true);

  // A residual block after dense1: dense → activation → dense → add, the skip from dense1 into add.in1.
  await select(page, 'dense1');
  await page.locator('[data-palette-item="residualBlock"]').dblclick();
  await expect(node(page, 'add1')).toBeVisible();
  await expect(edgesInto(page, 'add1')).toHaveCount(2);
  await expect(
    page.locator('.svelte-flow__edge[aria-label="Connection from dense1 to add1 (in1)"]'),
  ).toHaveCount(1);
  await expect(page.locator('.svelte-flow__edge[aria-label="Connection from add1 to dense2"]')).toHaveCount(
    1,
  );
  expect(await shapeOf(page, 'add1')).toBe('64');
  await expect(page.getByTestId('toolbar-status')).toContainText('Trainable');
  await page.getByRole('button', { name: 'Layout ↓' }).click();
  await shot('06-residual-block');

  // Undo the layout, then the whole block in one more step.
  await clickEmptyCanvas(page);
  await page.keyboard.press(`${MOD}+z`);
  await expect(node(page, 'add1')).toBeVisible();
  await page.keyboard.press(`${MOD}+z`);
  await expect(node(page, 'add1')).toHaveCount(0);
  await expect(page.locator('.svelte-flow__edge[aria-label="Connection from dense1 to dense2"]')).toHaveCount(
    1,
  );
  expect(consoleErrors).toEqual([]);
});

test('a refused connection says why while dragging and adds nothing', async ({ page, shot }) => {
  await newDesign(page);
  await dragFromPalette(page, 'input', 120, 200);
  await dragFromPalette(page, 'dense', 380, 200);
  await dragFromPalette(page, 'dense', 380, 400);
  await connect(page, 'in1', 'dense1');
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(1);

  // dense2 → dense1: dense1 already has its one input.
  const hint = page.getByRole('status').filter({ hasText: "Can't connect" });
  let drop = await hoverConnection(page, 'dense2', 'dense1');
  await expect(hint).toContainText('already has an input');
  await shot('07-refused-connection');
  await drop();
  await expect(hint).toHaveCount(0);
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(1);

  // A shape mismatch into an add: dense1 (64) is in add1.in0, in1 (2) cannot join it.
  await select(page, 'dense1');
  await page.locator('[data-palette-item="add"]').dblclick();
  drop = await hoverConnection(page, 'in1', 'add1', 'in1');
  await expect(hint).toContainText('must match');
  await drop();
  await expect(edgesInto(page, 'add1')).toHaveCount(1);

  // A cycle: add1 → dense1 would loop back.
  drop = await hoverConnection(page, 'add1', 'dense2');
  await expect(hint).toHaveCount(0);
  await drop();
  await expect(edgesInto(page, 'dense2')).toHaveCount(1);
  drop = await hoverConnection(page, 'dense2', 'add1', 'in1');
  await expect(hint).toContainText('cycle');
  await drop();
  await expect(edgesInto(page, 'add1')).toHaveCount(1);
});

test('select, box-select, copy/paste, duplicate, delete, select all; a drag is one undo step', async ({
  page,
  shot,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await newDesign(page);
  await dragFromPalette(page, 'input', 120, 200);
  await dragFromPalette(page, 'dense', 380, 200);
  await connect(page, 'in1', 'dense1');

  // Drag a node: one undo puts it back.
  const before = await positionOf(page, 'dense1');
  const head = await node(page, 'dense1').locator('.head').boundingBox();
  if (!head) throw new Error('no node');
  await drag(page, { x: head.x + 20, y: head.y + 8 }, { x: head.x + 220, y: head.y + 158 });
  const after = await positionOf(page, 'dense1');
  expect(after.x - before.x).toBeGreaterThan(150);
  await clickEmptyCanvas(page);
  await page.keyboard.press(`${MOD}+z`);
  await expect.poll(async () => (await positionOf(page, 'dense1')).x).toBeCloseTo(before.x, 0);

  // Box selection with Shift+drag over the original pair.
  const a = await positionOf(page, 'in1');
  await page.keyboard.down('Shift');
  await drag(page, { x: a.x - 30, y: a.y - 30 }, { x: a.x + 480, y: a.y + 90 });
  await page.keyboard.up('Shift');
  await expect(page.getByRole('heading', { name: '2 layers selected' })).toBeVisible();
  await shot('08-box-selection');

  // Shift-click multi-select, copy and paste through the system clipboard.
  await clickEmptyCanvas(page);
  await select(page, 'in1');
  await select(page, 'dense1', ['Shift']);
  await expect(page.getByRole('heading', { name: '2 layers selected' })).toBeVisible();
  await page.keyboard.press(`${MOD}+c`);
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(clipboard)).toMatchObject({
    format: 'backflow.fragment',
    nodes: [{ id: 'in1' }, { id: 'dense1' }],
  });
  await page.keyboard.press(`${MOD}+v`);
  await expect(node(page, 'in2')).toBeVisible();
  await expect(node(page, 'dense2')).toBeVisible();
  await expect(page.locator('.svelte-flow__edge[aria-label="Connection from in2 to dense2"]')).toHaveCount(1);

  // Duplicate the pasted pair, then delete it with the keyboard.
  await page.keyboard.press(`${MOD}+d`);
  await expect(node(page, 'dense3')).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(node(page, 'dense3')).toHaveCount(0);
  await expect(node(page, 'in3')).toHaveCount(0);

  await page.keyboard.press(`${MOD}+a`);
  await expect(page.getByRole('heading', { name: '4 layers selected' })).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(0);
  await page.keyboard.press(`${MOD}+z`);
  await expect(page.locator('.svelte-flow__node')).toHaveCount(4);
});

test('the design name is editable; help lists the shortcuts; wrap in residual', async ({ page, shot }) => {
  await newDesign(page);
  const name = page.getByLabel('Design name');
  await name.fill('My first network');
  await name.press('Enter');
  await expect(name).toHaveValue('My first network');
  await name.fill('');
  await name.press('Enter');
  await expect(page.getByTestId('notice').filter({ hasText: 'needs a name' })).toBeVisible();
  await expect(name).toHaveValue('My first network');

  await dragFromPalette(page, 'input', 100, 200);
  await page.locator('[data-palette-item="dense"]').dblclick();
  await page.locator('[data-palette-item="dense"]').dblclick();
  await page.locator('[data-palette-item="output"]').dblclick();
  await expect(page.getByTestId('toolbar-status')).toContainText('Trainable');

  // dense2 alone wrapped: dense1 feeds add.in1, dense2 feeds add.in0, add feeds the output.
  await select(page, 'dense2');
  await page.getByRole('button', { name: 'Wrap in residual' }).click();
  await expect(edgesInto(page, 'add1')).toHaveCount(2);
  await expect(page.locator('.svelte-flow__edge[aria-label="Connection from add1 to out1"]')).toHaveCount(1);
  await expect(page.getByTestId('toolbar-status')).toContainText('Trainable');

  await clickEmptyCanvas(page);
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await shot('09-help-overlay');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
});

test('the start screen lists the examples; one opens laid out and checked', async ({ page, shot }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Examples' })).toBeVisible();
  const cards = page.getByRole('button', { name: /^Open example: / });
  expect(await cards.count()).toBeGreaterThan(0);
  await expect(cards.first().locator('.desc')).not.toBeEmpty();
  await shot('10-start-screen');

  await page.getByRole('button', { name: 'Open example: Deep sigmoid MLP', exact: true }).click();
  await expect(page.getByLabel('Design name')).toHaveValue('Deep sigmoid MLP');
  await expect(page.locator('.svelte-flow__node')).not.toHaveCount(0);
  await expect(page.getByTestId('toolbar-status')).toContainText('Trainable');
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled(); // loading clears history
  await shot('11-example-open');

  // Freezing a layer for fine-tuning is one undoable edit.
  await select(page, 'd1');
  const trainable = page.getByRole('checkbox', { name: /Trainable/ });
  await expect(trainable).toBeChecked();
  await trainable.uncheck();
  await expect(trainable).not.toBeChecked();
  await shot('15-freeze-layer');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(trainable).toBeChecked();

  // Back to the gallery and a new design.
  await page.getByRole('button', { name: 'Back to the gallery' }).click();
  await page.getByRole('button', { name: 'New design' }).click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(0);
});

test('dark theme follows the system, and the editor stays usable at 200 % zoom', async ({ browser }) => {
  const dark = await browser.newPage({ colorScheme: 'dark', viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  dark.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await dark.goto('/');
  await dark
    .getByRole('button', { name: /^Open example: / })
    .first()
    .click();
  await expect(dark.locator('.svelte-flow__node').first()).toBeVisible();
  const background = await dark.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(20, 23, 28)');
  await dark.locator('.svelte-flow__node').nth(1).click();
  await saveScreenshot(dark, test.info(), '12-dark-theme');
  await dark.close();

  // 200 %: half the CSS pixels at twice the density.
  const zoomed = await browser.newPage({ viewport: { width: 720, height: 450 }, deviceScaleFactor: 2 });
  zoomed.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await zoomed.goto('/');
  await zoomed.getByRole('button', { name: 'New design' }).click();
  await zoomed.locator('[data-palette-item="input"]').dblclick();
  await zoomed.locator('[data-palette-item="dense"]').dblclick();
  await expect(zoomed.getByLabel('Units', { exact: true })).toBeVisible();
  const canvas = await zoomed.locator('.svelte-flow').boundingBox();
  expect(canvas?.width ?? 0).toBeGreaterThan(150);
  await saveScreenshot(zoomed, test.info(), '13-zoom-200');
  await zoomed.close();
  expect(errors).toEqual([]);
});

test('the inspector has the right control for each parameter and never commits an invalid value', async ({
  page,
  shot,
}) => {
  await newDesign(page);
  await dragFromPalette(page, 'input', 100, 200);
  await page.locator('[data-palette-item="dense"]').dblclick();
  await page.locator('[data-palette-item="output"]').dblclick();
  await select(page, 'dense1');

  // enum → select; the node's summary follows.
  await page.getByLabel('Activation', { exact: true }).selectOption('leakyRelu');
  await expect(node(page, 'dense1').locator('.summary')).toHaveText('64 · leakyRelu(0.3)');
  // alpha only applies to leakyRelu, so it appears now; out of range is refused.
  const alpha = page.getByLabel('Alpha', { exact: true });
  await alpha.fill('20');
  await expect(page.getByRole('alert').filter({ hasText: 'Alpha must be at most 10' })).toBeVisible();
  await expect(alpha).toHaveAttribute('aria-invalid', 'true');
  await alpha.fill('0.1');
  await expect(node(page, 'dense1').locator('.summary')).toHaveText('64 · leakyRelu(0.1)');

  // bool → switch; the weight count drops by the 64 biases.
  await expect(page.getByTestId('inspector-params')).toHaveText('192');
  await page.getByRole('switch', { name: 'Bias' }).uncheck();
  await expect(page.getByTestId('inspector-params')).toHaveText('128');

  // initializer → select plus its argument.
  await page.getByLabel('Initializer', { exact: true }).selectOption('randomNormal');
  const stddev = page.getByLabel('Initializer stddev');
  await expect(stddev).toHaveValue('0.05');
  await stddev.fill('-1');
  await expect(page.getByRole('alert').filter({ hasText: 'stddev must be from 0 to 100' })).toBeVisible();
  await stddev.fill('0.2');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await shot('14-inspector');

  // Typing 1, 12, 128 in one focus is one undo step; the edits above are one step each.
  const units = page.getByLabel('Units', { exact: true });
  await units.click();
  await units.press('Control+a');
  await units.pressSequentially('128');
  await expect(node(page, 'dense1').locator('.shape')).toHaveText('→ 128');
  await clickEmptyCanvas(page);
  await page.keyboard.press(`${MOD}+z`);
  await expect(node(page, 'dense1').locator('.shape')).toHaveText('→ 64');
  await page.keyboard.press(`${MOD}+z`);
  await select(page, 'dense1');
  await expect(page.getByLabel('Initializer stddev')).toHaveValue('0.05');

  // intList: an input shape typed as 28×28×1 makes the dense layer ask for a Flatten.
  await select(page, 'in1');
  await page.getByLabel('Shape', { exact: true }).fill('28×28×1');
  await expect(node(page, 'dense1').locator('.problem')).toContainText('insert a Flatten layer');
  await expect(page.getByTestId('toolbar-status')).toContainText('problem');
});

test('a network can be built and wired with the keyboard alone', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'New design' }).press('Enter');
  const search = page.getByLabel('Search layers');
  await search.fill('input');
  await search.press('Enter'); // the first match is added
  await search.fill('');
  for (const item of ['dense', 'dense', 'output']) {
    await page.locator(`[data-palette-item="${item}"]`).press('Enter'); // added after the selected layer
  }
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(3);
  await expect(page.getByTestId('toolbar-status')).toContainText('Trainable');

  // The output is selected; feed it from dense1 instead of dense2 with its Inputs select.
  await page.getByRole('combobox', { name: 'From' }).selectOption('dense1');
  await expect(page.locator('.svelte-flow__edge[aria-label="Connection from dense1 to out1"]')).toHaveCount(
    1,
  );
  await expect(page.getByTestId('toolbar-status')).toContainText('problem'); // dense2 now leads nowhere
  await page.keyboard.press('Escape');
  await page.locator('body').press(`${MOD}+z`);
  await expect(page.locator('.svelte-flow__edge[aria-label="Connection from dense2 to out1"]')).toHaveCount(
    1,
  );
});
