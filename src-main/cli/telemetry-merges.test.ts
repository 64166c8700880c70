/**
 * `backflow train --telemetry` writes the merge layers' gradient-flow fields
 * (docs/telemetry.md, "Where the gradient flows"): the run line names each
 * add's block input and sources, and each step gives every add the norm of
 * the gradient reaching that block input through the skip and through the
 * branch, and no other layer those keys. On the gallery's residual sigmoid
 * remedy the skip carries most of it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from './main';
import { captureIO } from './test-io';

const example = join(__dirname, '../../resources/examples/remedy-skip.backflow.json');

it('train: add layers carry their block input and the skip and branch path norms', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backflow-merges-'));
  const io = captureIO(dir);
  const args = ['train', example, '--steps', '2', '--telemetry', 'run.jsonl', '--backend', 'wasm'];
  expect(await main(args, io)).toBe(0);
  const lines = readFileSync(join(dir, 'run.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const adds = lines[0].layers.filter((l: { type: string }) => l.type === 'add');
  expect(adds.length).toBeGreaterThan(3);
  // add2 = d1 + d2(d1): the block input is d1; later adds fork at the previous add.
  expect(adds[0]).toEqual({ id: 'add2', type: 'add', merge: { fork: 'd1', sources: ['d1', 'd2'] } });
  expect(adds[1].merge).toEqual({ fork: 'add2', sources: ['add2', 'd3'] });
  const steps = lines.filter((l) => l.type === 'step');
  expect(steps).toHaveLength(2);
  for (const record of steps) {
    for (const layer of record.layers) {
      if (layer.type !== 'add') {
        expect(layer, layer.id).not.toHaveProperty('pathGradNorms');
        continue;
      }
      const [skip, branch] = layer.pathGradNorms;
      expect(layer.pathGradNorms).toHaveLength(2);
      expect(branch, layer.id).toBeGreaterThan(0);
      // The identity hands the block input ∂L/∂(add output) itself.
      expect(Math.abs(skip - layer.outGradNorm)).toBeLessThanOrEqual(1e-6 * layer.outGradNorm);
      expect(skip, `${layer.id}: skip over a sigmoid branch`).toBeGreaterThan(branch);
      expect(layer).not.toHaveProperty('inputGradNorms');
    }
  }
});
