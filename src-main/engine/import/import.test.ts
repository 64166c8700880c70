/**
 * Import: a design exported as a TensorFlow.js LayersModel and imported back
 * is the same graph (ids, types, params, trainable flags, input order of
 * merges) with the same weights (Keras 3 `.keras`: keras-import.test.ts);
 * real Keras 2 / 3 topologies and a tfjs Sequential model import;
 * unsupported layers are named.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design } from '../../../src-shared/design/types';
import { orderedInputs } from '../../../src-shared/graph';
import { initBackend } from '../backend/backend';
import type { ExportFormat } from '../../../src-shared/protocol';
import { exportNetwork } from '../export';
import { snapshotWeights } from '../model/network';
import {
  buildWithRandomWeights,
  convDesign,
  denseDesign,
  mergeDesign,
  withFrozen,
} from '../export/test-designs';
import { importModelFile } from './files';
import { expectSameWeights, imported } from './import-test-support';
import { mapLayer } from './layer-map';

const MODELS = join(__dirname, '../../../resources/fixtures/models');

beforeAll(async () => {
  await initBackend('wasm');
});

/** What must survive a round trip: per node, its type, params, trainable flag and inputs in order. */
function graphOf(design: Design, byId = false) {
  const nodes = [...design.graph.nodes];
  // tfjs writes layers in topological order, which may differ from the file's.
  if (byId) nodes.sort((a, b) => a.id.localeCompare(b.id));
  return nodes.map((node) => ({
    id: node.id,
    type: node.type,
    params: node.params,
    trainable: node.trainable ?? true,
    inputs: orderedInputs(design.graph, node.id).map((e) => e.source),
  }));
}

describe('round trip: design → export → import', () => {
  const frozenDense = withFrozen(denseDesign, ['hidden-2', 'bn']);
  const cases: [string, () => Design, ExportFormat][] = [
    ['dense chain (frozen nodes, odd ids)', frozenDense, 'tfjs'],
    ['conv net', convDesign, 'tfjs'],
    ['merges (sigmoid loss, from the metadata)', mergeDesign, 'tfjs'],
  ];
  for (const [label, make, format] of cases) {
    it(`${format}: ${label} keeps its graph and weights`, async () => {
      const design = make();
      const network = buildWithRandomWeights(design);
      const dir = mkdtempSync(join(tmpdir(), `backflow-import-${format}-`));
      await exportNetwork(network, format, dir, { designName: design.name, seed: 11, trained: true });
      const back = await imported(join(dir, 'model.json'));
      expect(graphOf(back.design, true)).toEqual(graphOf(design, true));
      expect(back.design.name).toBe(design.name);
      const expected = snapshotWeights(network);
      expectSameWeights(back.weights, expected);
      network.dispose();
    });
  }
});

describe('importing models Backflow did not write', () => {
  it('a tfjs Sequential model with weights, its softmax Dense becoming the output', async () => {
    const { design, weights, warnings } = await imported(join(MODELS, 'tfjs-sequential/model.json'));
    expect(graphOf(design).map((n) => [n.id, n.type, n.inputs])).toEqual([
      ['input', 'input', []],
      ['hidden', 'dense', ['input']],
      ['probs', 'output', ['hidden']],
    ]);
    expect(design.graph.nodes[1].params).toMatchObject({
      units: 4,
      activation: 'relu',
      kernelInitializer: 'heUniform',
    });
    expect(design.graph.nodes[2].params.loss).toBe('softmaxCrossEntropy');
    expect(design.data).toMatchObject({ name: 'spiral', classes: 3 });
    expect(warnings).toEqual([]);
    expect(weights!.get('hidden/kernel')!.shape).toEqual([2, 4]);
    expect(Array.from(weights!.get('probs/bias')!.values)).toEqual([-0.757, -0.551, 0.899].map(Math.fround));
  });

  it('a Keras 2 Sequential CNN: frozen conv, separate Softmax folded into the loss, MNIST guessed', async () => {
    const { design, weights } = await imported(join(MODELS, 'keras2-sequential-cnn.json'));
    expect(graphOf(design).map((n) => [n.id, n.type, n.trainable])).toEqual([
      ['conv2d_input', 'input', true],
      ['conv2d', 'conv2d', false],
      ['max_pooling2d', 'maxPooling2d', true],
      ['flatten', 'flatten', true],
      ['dropout', 'dropout', true],
      ['dense', 'output', true],
    ]);
    expect(design.graph.nodes[1].params).toMatchObject({
      filters: 8,
      kernelSize: 3,
      strides: 1,
      padding: 'valid',
      activation: 'relu',
      kernelInitializer: 'heNormal',
    });
    expect(design.graph.nodes[5].params.loss).toBe('softmaxCrossEntropy');
    expect(design.data).toMatchObject({ source: 'builtin', name: 'mnist' });
    expect(weights).toBeUndefined();
  });

  it('a Keras 3 functional residual MLP: keras_history calls, Add input order, sigmoid output', async () => {
    const { design, warnings } = await imported(join(MODELS, 'keras3-functional-residual.json'));
    expect(graphOf(design).map((n) => [n.id, n.type, n.inputs])).toEqual([
      ['features', 'input', []],
      ['dense', 'dense', ['features']],
      ['batch_normalization', 'batchNormalization', ['dense']],
      ['leaky_re_lu', 'activation', ['batch_normalization']],
      ['add', 'add', ['leaky_re_lu', 'dense']],
      ['dense_1', 'output', ['add']],
    ]);
    expect(design.graph.nodes[3].params).toMatchObject({ activation: 'leakyRelu', alpha: 0.1 });
    expect(design.graph.nodes[2].params).toMatchObject({ momentum: 0.9, epsilon: 0.001 });
    expect(design.graph.nodes[5].params.loss).toBe('sigmoidCrossEntropy');
    expect(warnings.join('\n')).toContain('no built-in data set has examples of shape 4 with 1 outputs');
  });

  it('names an unsupported layer, its class and what Backflow imports', async () => {
    const result = await importModelFile(join(MODELS, 'keras2-lstm.json'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.type).toBe('model');
    expect(result.error.message).toMatch(
      /^layer 'lstm_1' \(LSTM\) is not supported; Backflow imports InputLayer, Dense, Conv2D/,
    );
  });

  it('maps Keras GlobalAveragePooling2D and Reshape, and names what it cannot take', () => {
    const layer = (className: string, config: Record<string, unknown>) => ({
      name: 'l1',
      className,
      config,
      inputs: [],
    });
    const gap = { data_format: 'channels_last', keepdims: false };
    expect(mapLayer(layer('GlobalAveragePooling2D', gap))).toEqual({
      type: 'globalAveragePooling2d',
      params: {},
    });
    expect(mapLayer(layer('GlobalAvgPool2D', {}))).toEqual({ type: 'globalAveragePooling2d', params: {} });
    expect(() => mapLayer(layer('GlobalAveragePooling2D', { ...gap, keepdims: true }))).toThrow(
      /'l1' \(GlobalAveragePooling2D\) keeps the spatial axes/,
    );
    expect(() => mapLayer(layer('GlobalAveragePooling2D', { data_format: 'channels_first' }))).toThrow(
      /channels_first/,
    );
    expect(mapLayer(layer('Reshape', { target_shape: [4, 4, 1] }))).toEqual({
      type: 'reshape',
      params: { targetShape: [4, 4, 1] },
    });
    expect(() => mapLayer(layer('Reshape', { target_shape: [-1, 4] }))).toThrow(
      /'l1' \(Reshape\) has target_shape \[-1,4\] with a size left to infer/,
    );
  });

  it('says plainly when the file is not a model or cannot be read', async () => {
    const missing = await importModelFile(join(MODELS, 'nope.json'));
    expect(missing).toMatchObject({ ok: false, error: { type: 'file' } });
    const notModel = await importModelFile(join(MODELS, 'README.md'));
    expect(notModel.ok).toBe(false);
  });
});
