/**
 * The gradient at initialisation, before any training, on a real engine: a
 * 30-layer sigmoid MLP opened from a file is flagged at once (the line under
 * the training controls, the node tints, the at-init columns with their
 * per-layer decay and its closed form √48), the "ReLU + He init" fix is
 * previewed beside it on hover, and applying it updates the preview.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from './helpers/fixtures';
import { drag, node } from './helpers/editor';
import { trainButton } from './helpers/training';

/** A 30 × 32 sigmoid MLP with the standard init on spiral data, as a design file. */
function sigmoid30(): string {
  const nodes: object[] = [{ id: 'in', type: 'input', params: { shape: [2] } }];
  const edges: object[] = [];
  for (let i = 1; i <= 31; i++) {
    const id = i === 31 ? 'out' : `d${i}`;
    nodes.push(
      i === 31
        ? { id, type: 'output', params: { loss: 'softmaxCrossEntropy' } }
        : {
            id,
            type: 'dense',
            params: { units: 32, activation: 'sigmoid', kernelInitializer: 'standardUniform' },
          },
    );
    edges.push({ id: `e${i}`, source: i === 1 ? 'in' : `d${i - 1}`, target: id });
  }
  return JSON.stringify({
    format: 'backflow.design',
    formatVersion: 1,
    name: '30-layer sigmoid MLP',
    graph: { nodes, edges },
    data: { source: 'builtin', name: 'spiral', samples: 600, classes: 3, noise: 0.1 },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 64, epochs: 20, seed: 42 },
  });
}

test('a 30-layer sigmoid net is flagged before training, and the fix previewed before it is applied', async ({
  page,
  shot,
}, testInfo) => {
  const file = testInfo.outputPath('sigmoid-30.backflow.json');
  writeFileSync(file, sigmoid30());
  await page.goto('/');
  const choosing = page.waitForEvent('filechooser');
  await page.getByText('Open a design file…').click();
  await (await choosing).setFiles(file);
  await expect(page.locator('.svelte-flow__pane')).toBeVisible();
  await expect(trainButton(page)).toBeEnabled({ timeout: 20_000 });

  // Flagged before any training, in words, under the controls.
  const line = page.getByTestId('init-line');
  await expect(line).toHaveAttribute('data-severity', 'error', { timeout: 20_000 });
  await expect(line).toContainText(
    /d1 gets 10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+ of d30's gradient at initialisation: it will not learn\./,
  );
  await expect(line).toContainText('closed form for sigmoid with U[−1/√n, 1/√n]: √48 ≈ 6.93');
  // The canvas nodes carry the at-init colours.
  await expect(node(page, 'd1').locator('.tint')).toHaveAttribute('data-tint', /^rgb/);
  await expect(node(page, 'd30').locator('.tint')).toHaveAttribute('data-tint', /^rgb/);
  expect(await node(page, 'd1').locator('.tint').getAttribute('data-tint')).not.toBe(
    await node(page, 'd30').locator('.tint').getAttribute('data-tint'),
  );
  await expect(page.getByTestId('training-state')).toHaveText('idle');

  await line.getByRole('button', { name: 'Details' }).click();
  await expect(line, 'the open dock says it in its own panel').toBeHidden();
  await expect(page.getByTestId('init-flow')).toHaveAttribute('data-severity', 'error');
  const column = page.getByTestId('init-column');
  await expect(column.locator('tbody tr')).toHaveCount(31);
  // Every hidden layer's decay is shown with its closed form.
  await expect(column.locator('tr[data-layer="d1"] .decay')).toContainText('(√48)');
  const d1 = Number(await column.locator('tr[data-layer="d1"] td.cell').nth(1).getAttribute('data-value'));
  const d30 = Number(await column.locator('tr[data-layer="d30"] td.cell').nth(1).getAttribute('data-value'));
  expect(d1 / d30).toBeLessThan(1e-6);
  await shot('50-init-preview-flagged');

  // A taller dock, so the comparison is on screen whole.
  const splitter = await page.getByTestId('dock-splitter').boundingBox();
  if (!splitter) throw new Error('no dock splitter');
  const grip = { x: splitter.x + splitter.width / 2, y: splitter.y + splitter.height / 2 };
  await drag(page, grip, { x: grip.x, y: grip.y - 300 });

  // Hovering the fix previews its at-init columns beside the current ones, before it is applied.
  const fix = page.getByTestId('init-preview').getByRole('button', { name: /ReLU \+ He init/ });
  await fix.hover();
  const remedied = page.getByTestId('init-column-remedy');
  await expect(remedied.locator('tbody tr')).toHaveCount(31, { timeout: 20_000 });
  await expect(page.getByTestId('init-flow-remedy')).toContainText(/the gradient flows|it will learn/);
  const after1 = Number(
    await remedied.locator('tr[data-layer="d1"] td.cell').nth(1).getAttribute('data-value'),
  );
  const after30 = Number(
    await remedied.locator('tr[data-layer="d30"] td.cell').nth(1).getAttribute('data-value'),
  );
  expect(after1 / after30).toBeGreaterThan(1e-3);
  await shot('51-init-preview-fix-previewed');
  // Nothing was applied yet.
  await expect(node(page, 'd1')).toContainText(/sigmoid/i);

  // Applying it is an edit: the preview follows, and the line says the gradient now reaches d1.
  await fix.click();
  await expect(page.getByTestId('init-flow')).toHaveAttribute('data-severity', /ok|warning/, {
    timeout: 20_000,
  });
  await expect(page.getByTestId('init-flow')).not.toContainText('it will not learn');
  await expect(node(page, 'd1')).toContainText(/relu/i);
  await shot('52-init-preview-fix-applied');
});
