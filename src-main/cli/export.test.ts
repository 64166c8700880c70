/**
 * `export --seed S` writes exactly the weights `train --seed S` starts from,
 * named by node id; the saved model reloads and predicts what the engine's
 * own forward pass computes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend/backend';
import { tf } from '../engine/backend/tf';
import { loadLayersModelFromDir } from '../engine/export/save-tfjs';
import { forward } from '../engine/model/forward';
import { snapshotWeights } from '../engine/model/network';
import { EXAMPLES_DIR, prepared, readExample } from '../engine/test-support';
import { createTrainer } from '../engine/train/trainer';
import { main } from './main';
import { captureIO } from './test-io';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('export --format tfjs', () => {
  it('writes the initial weights train --seed S starts from, and the model reloads to the same predictions', async () => {
    const file = join(EXAMPLES_DIR, 'deep-sigmoid-batchnorm.backflow.json');
    const out = mkdtempSync(join(tmpdir(), 'backflow-export-'));
    const io = captureIO();
    expect(
      await main(
        ['export', file, '--format', 'tfjs', '--out', out, '--seed', '123', '--backend', 'wasm'],
        io,
      ),
    ).toBe(0);

    const design = readExample('deep-sigmoid-batchnorm.backflow.json');
    const { data } = await prepared(design, 123);
    const trainer = createTrainer({ design, data, seed: 123, telemetryEvery: 0, onEvent: () => {} });
    const initial = snapshotWeights(trainer.network);
    const model = await loadLayersModelFromDir(out);
    for (const node of trainer.network.nodes.filter((n) => n.weights.length)) {
      const layer = model.getLayer(node.id);
      const roles: string[] = node.weights.map((i) => trainer.network.weights[i].role);
      const names = node.type === 'batchNormalization' ? [...roles, 'movingMean', 'movingVariance'] : roles;
      const saved = layer.getWeights().map((w) => Array.from(w.dataSync()));
      expect(saved.length, node.id).toBeGreaterThan(0);
      expect(saved, node.id).toEqual(names.map((n) => Array.from(initial.get(`${node.id}/${n}`)!.values)));
    }
    const x = tf.tensor2d(data.train.x.subarray(0, 20 * 2), [20, 2]);
    const expected = tf.tidy(
      () =>
        forward(
          trainer.network,
          x,
          trainer.network.weights.map((w) => w.variable),
          { training: false },
        ).outputs[trainer.network.outputIndex].arraySync() as number[][],
    );
    const predicted = tf.tidy(() => (model.predict(x) as ReturnType<typeof tf.tensor2d>).arraySync());
    predicted.flat().forEach((value, i) => expect(value).toBeCloseTo(expected.flat()[i], 4));
    tf.dispose(x);
    model.dispose();
    trainer.dispose();
  });

  it('says plainly that keras and pytorch come later (exit 2)', async () => {
    const io = captureIO();
    const code = await main(
      ['export', join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json'), '--format', 'keras', '--out', tmpdir()],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr()).toContain('not available in this version yet');
  });
});
