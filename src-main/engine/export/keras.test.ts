/**
 * TensorFlow.js exports and the Keras JSON folders older Backflow versions
 * exported (which import still reads) reload and predict exactly what the
 * exported model predicts: model.json through `tf.models.modelFromJSON` plus
 * the weights by name (Keras JSON), `tf.loadLayersModel` (tfjs). Frozen nodes
 * are saved frozen; initializers are saved as the design names them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design } from '../../../src-shared/design/types';
import { initBackend } from '../backend/backend';
import { tf } from '../backend/tf';
import { exportNetwork } from './index';
import { KERAS_FILES, loadKerasModelFromDir, readKerasWeights, saveKerasModel } from './keras';
import { toLayersModel } from './layers-model';
import { loadLayersModelFromDir } from './save-tfjs';
import {
  buildWithRandomWeights,
  convDesign,
  denseDesign,
  inputShape,
  mergeDesign,
  withFrozen,
} from './test-designs';

type LayersModel = ReturnType<typeof tf.model>;

beforeAll(async () => {
  await initBackend('wasm');
});

const designs = [withFrozen(denseDesign, ['hidden-2', 'bn']), withFrozen(convDesign, ['c2']), mergeDesign];

async function exported(make: () => Design, format: 'tfjs' | 'kerasJson') {
  const design = make();
  const network = buildWithRandomWeights(design);
  const dir = mkdtempSync(join(tmpdir(), `backflow-${format}-`));
  const info = { designName: design.name, seed: 11, trained: true };
  if (format === 'tfjs') await exportNetwork(network, format, dir, info);
  else {
    const model = toLayersModel(network, 'Dense_chain');
    const backflow = { design: design.name, seed: 11, trained: true, loss: 'softmaxCrossEntropy' };
    await saveKerasModel(model, dir, backflow);
    model.dispose();
  }
  const source = toLayersModel(network);
  const x = tf.randomNormal([5, ...inputShape(design)], 0, 1, 'float32', 9);
  const predict = (model: LayersModel) =>
    tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
  return { design, network, dir, source, x, predict };
}

describe.each(['kerasJson', 'tfjs'] as const)('%s export', (format) => {
  for (const make of designs) {
    it(`reloads and predicts identically: ${make().name}`, async () => {
      const { network, dir, source, x, predict } = await exported(make, format);
      const reloaded =
        format === 'kerasJson' ? await loadKerasModelFromDir(dir) : await loadLayersModelFromDir(dir);
      const expected = predict(source);
      expect(predict(reloaded)).toEqual(expected);
      expect(new Set(expected).size).toBeGreaterThan(1);
      for (const layer of source.layers) {
        expect(reloaded.getLayer(layer.name).trainable, layer.name).toBe(layer.trainable);
      }
      for (const m of [source, reloaded]) m.dispose();
      x.dispose();
      network.dispose();
    });
  }
});

describe('Keras JSON', () => {
  it('is a Keras model topology that tf.models.modelFromJSON reads, with the weights named beside it', async () => {
    const { network, dir, source, x, predict } = await exported(designs[0], 'kerasJson');
    const topology = JSON.parse(readFileSync(join(dir, KERAS_FILES.model), 'utf8'));
    expect(topology.class_name).toBe('Functional');
    const layers = topology.config.layers as { name: string; config: Record<string, unknown> }[];
    const config = (name: string) => layers.find((l) => l.name === name)!.config;
    expect(config('hidden-2').trainable).toBe(false);
    expect(config('bn').trainable).toBe(false);
    expect(config('d_tanh').trainable).toBe(true);
    // standardUniform is Keras's VarianceScaling(1/3, fan_in, uniform).
    expect(config('d_relu').kernel_initializer).toMatchObject({
      class_name: 'VarianceScaling',
      config: { mode: 'fan_in', distribution: 'uniform' },
    });
    expect(config('d_leakyRelu').activation).toBe('linear');
    expect(layers.find((l) => l.name === 'd_leakyRelu_leakyRelu')?.config.alpha).toBe(0.2);

    const model = (await tf.models.modelFromJSON(topology)) as LayersModel;
    const { tensors, backflow } = await readKerasWeights(join(dir, KERAS_FILES.weights));
    expect(backflow).toMatchObject({
      design: 'Dense chain: every activation',
      trained: true,
      loss: 'softmaxCrossEntropy',
    });
    const byName = new Map(tensors.map((t) => [t.name, t]));
    model.setWeights(
      model.weights.map((w) =>
        tf.tensor(byName.get(w.originalName)!.data as Float32Array, w.shape as number[]),
      ),
    );
    expect(predict(model)).toEqual(predict(source));
    for (const m of [source, model]) m.dispose();
    x.dispose();
    network.dispose();
  });
});
