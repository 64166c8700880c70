/**
 * `export --seed S` writes exactly the weights `train --seed S` starts from,
 * named by node id; the saved model reloads and predicts what the engine's
 * own forward pass computes. Keras and PyTorch exports carry the same weights
 * (their numerical parity is tested in src-main/engine/export).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend/backend';
import { tf } from '../engine/backend/tf';
import { importModelFile } from '../engine/import';
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

  it('writes Keras 3 and PyTorch exports with the same initial weights (--format keras|pytorch)', async () => {
    const file = join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json');
    const written: Record<string, string> = {};
    for (const format of ['keras', 'pytorch', 'tfjs']) {
      const out = mkdtempSync(join(tmpdir(), `backflow-export-${format}-`));
      const io = captureIO();
      const code = await main(['export', file, '--format', format, '--out', out, '--seed', '9'], io);
      expect(code, io.stderr()).toBe(0);
      expect(io.stdout()).toContain('seed 9, initial weights');
      written[format] = out;
    }
    expect(readdirSync(written.keras).sort()).toEqual(['model.keras']);
    expect(readdirSync(written.pytorch).sort()).toEqual(['model.py', 'weights.safetensors']);
    const keras = await importModelFile(join(written.keras, 'model.keras'));
    if (!keras.ok) throw new Error(keras.error.message);
    const tfjs = await loadLayersModelFromDir(written.tfjs);
    expect(tfjs.weights.length).toBe(keras.value.weights!.size);
    for (const w of tfjs.weights) {
      expect(Array.from(keras.value.weights!.get(w.originalName)!.values), w.originalName).toEqual(
        Array.from(w.read().dataSync()),
      );
    }
    const source = readFileSync(join(written.pytorch, 'model.py'), 'utf8');
    expect(source).toContain('class DeepSigmoidMlp(nn.Module):');
    expect(source).toMatch(/self\.d1 = nn\.Linear\(2, \d+\)/);
    tfjs.dispose();
  });

  it('writes an ONNX model that computes what the TensorFlow.js export computes (--format onnx)', async () => {
    const file = join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json');
    const dirs: Record<string, string> = {};
    for (const format of ['onnx', 'tfjs']) {
      dirs[format] = mkdtempSync(join(tmpdir(), `backflow-export-${format}-`));
      const io = captureIO();
      const code = await main(['export', file, '--format', format, '--out', dirs[format], '--seed', '9'], io);
      expect(code, io.stderr()).toBe(0);
      if (format === 'onnx') expect(io.stdout()).toContain('as a standard ONNX model (opset 17, model.onnx)');
    }
    expect(readdirSync(dirs.onnx)).toEqual(['model.onnx']);
    const tfjs = await loadLayersModelFromDir(dirs.tfjs);
    const session = await ort.InferenceSession.create(join(dirs.onnx, 'model.onnx'));
    const x = tf.tensor2d([0.3, -0.7, 1.2, 0.1, -0.4, -0.9], [3, 2]);
    const [input] = session.inputNames;
    const result = await session.run({
      [input]: new ort.Tensor('float32', x.dataSync() as Float32Array, [3, 2]),
    });
    const logits = tf.tidy(() => Array.from((tfjs.predict(x) as ReturnType<typeof tf.tensor2d>).dataSync()));
    const onnxLogits = Array.from(result[session.outputNames[1]].data as Float32Array);
    onnxLogits.forEach((value, i) => expect(value).toBeCloseTo(logits[i], 4));
    await session.release();
    tf.dispose(x);
    tfjs.dispose();
  });
});
