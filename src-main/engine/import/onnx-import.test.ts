/**
 * Importing ONNX: a design exported as ONNX comes back as the same design
 * (ONNX has no initializers or frozen flags, so those two are not compared)
 * with the same weights, and ONNX Runtime computes the same outputs from the
 * original file and from the imported design exported again. Models that
 * PyTorch 1.13 exported (fixtures by make-pytorch-onnx.py: NCHW images, Conv
 * with BatchNorm folded in, a residual Add, GlobalAveragePool, a flattened
 * channels-first image into Gemm, GELU as Erf, LayerNormalization, a sigmoid
 * output) import and compute what PyTorch computed. Unsupported operators
 * are named.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design } from '../../../src-shared/design/types';
import { analyzeGraph, orderedInputs } from '../../../src-shared/graph';
import { initBackend } from '../backend/backend';
import { tf } from '../backend/tf';
import { exportNetwork } from '../export';
import { encodeModel } from '../export/onnx-proto';
import { toLayersModel } from '../export/layers-model';
import { ONNX_FILE } from '../export/onnx';
import {
  buildWithRandomWeights,
  convDesign,
  denseDesign,
  inputShape,
  mergeDesign,
} from '../export/test-designs';
import { buildNetwork, snapshotWeights, type Network, type WeightValues } from '../model/network';
import { importModelFile } from './files';
import { expectSameWeights, imported } from './import-test-support';

const MODELS = join(__dirname, '../../../resources/fixtures/models');

beforeAll(async () => {
  await initBackend('wasm');
});

/** The design's graph without what ONNX cannot carry (initializers, frozen flags). */
function graphOf(design: Design) {
  return [...design.graph.nodes]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((node) => {
      const params = { ...node.params } as Record<string, unknown>;
      delete params.kernelInitializer;
      return {
        id: node.id,
        type: node.type,
        params,
        inputs: orderedInputs(design.graph, node.id).map((e) => e.source),
      };
    });
}

function build(design: Design, weights: WeightValues | undefined, units: number): Network {
  const analysis = analyzeGraph(design.graph, { outputUnits: units, dataInputShape: inputShape(design) });
  return buildNetwork(design, analysis, 1, { initialWeights: weights });
}

async function runOnnx(path: string, x: Float32Array, shape: number[]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(path);
  try {
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, shape) });
    return session.outputNames.map((name) => Array.from(result[name].data as Float32Array));
  } finally {
    await session.release();
  }
}

describe('round trip: design → ONNX → import', () => {
  it.each([denseDesign, convDesign, mergeDesign].map((make) => [make().name, make] as const))(
    '%s: same design and weights; ONNX Runtime computes the same from both files',
    async (_, make) => {
      const design = make();
      const network = buildWithRandomWeights(design);
      const dir = mkdtempSync(join(tmpdir(), 'backflow-onnx-import-'));
      await exportNetwork(network, 'onnx', join(dir, 'a'), {
        designName: design.name,
        seed: 11,
        trained: true,
      });
      const back = await imported(join(dir, 'a', ONNX_FILE));
      expect(back.design.name).toBe(design.name);
      expect(graphOf(back.design)).toEqual(graphOf(design));
      const expected = snapshotWeights(network);
      expectSameWeights(back.weights, expected);
      const again = build(back.design, back.weights, 3);
      await exportNetwork(again, 'onnx', join(dir, 'b'), {
        designName: design.name,
        seed: 11,
        trained: true,
      });
      const shape = [4, ...inputShape(design)];
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 0.7));
      const first = await runOnnx(join(dir, 'a', ONNX_FILE), x, shape);
      expect(new Set(first[0]).size).toBeGreaterThan(1);
      expect(await runOnnx(join(dir, 'b', ONNX_FILE), x, shape)).toEqual(first);
      network.dispose();
      again.dispose();
    },
  );
});

describe('ONNX files PyTorch exported', () => {
  const cases = [
    ['pytorch-cnn', 3, 'softmaxCrossEntropy'],
    ['pytorch-mlp', 1, 'sigmoidCrossEntropy'],
  ] as const;
  it.each(cases)('%s imports and computes what PyTorch computed', async (name, units, loss) => {
    const { design, weights, warnings } = await imported(join(MODELS, `${name}.onnx`));
    expect(warnings[0]).toMatch(/channels-first images .* the design takes them channels last/);
    const output = design.graph.nodes.find((n) => n.type === 'output')!;
    expect(output.params.loss).toBe(loss);
    const reference = JSON.parse(readFileSync(join(MODELS, `${name}.expected.json`), 'utf8'));
    // PyTorch's NCHW input, as the channels-last tensor the design takes.
    const x = tf.tidy(() => tf.transpose(tf.tensor(reference.input), [0, 2, 3, 1]));
    const network = build(design, weights, units);
    const model = toLayersModel(network);
    const logits = tf.tidy(() => model.predict(x) as tf.Tensor);
    const predicted = tf.tidy(() => (loss === 'sigmoidCrossEntropy' ? tf.sigmoid(logits) : logits));
    const got = (predicted.arraySync() as number[][]).flat();
    const want = (reference.output as number[][]).flat();
    got.forEach((v, i) => expect(Math.abs(v - want[i]), `output ${i}`).toBeLessThan(1e-4));
    tf.dispose([x, logits, predicted]);
    model.dispose();
    network.dispose();
  });

  it('reads the PyTorch CNN as conv, pooling, a residual add and global average pooling', async () => {
    const { design } = await imported(join(MODELS, 'pytorch-cnn.onnx'));
    expect(design.graph.nodes.map((n) => n.type)).toEqual([
      'input',
      'conv2d',
      'activation',
      'maxPooling2d',
      'conv2d',
      'activation',
      'add',
      'globalAveragePooling2d',
      'output',
    ]);
    expect(design.graph.nodes[1].params).toMatchObject({ padding: 'same', kernelSize: 3, filters: 4 });
  });
});

describe('what ONNX import refuses', () => {
  it('names an unsupported operator and its node', async () => {
    const bytes = encodeModel({
      irVersion: 8,
      opset: 17,
      producerName: 'test',
      producerVersion: '1',
      graph: {
        name: 'g',
        nodes: [{ name: 'lstm_1', opType: 'LSTM', inputs: ['x'], outputs: ['y'] }],
        initializers: [],
        inputs: [{ name: 'x', dims: ['batch', 4] }],
        outputs: [{ name: 'y', dims: ['batch', 4] }],
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'backflow-onnx-bad-'));
    writeFileSync(join(dir, 'lstm.onnx'), bytes);
    writeFileSync(join(dir, 'junk.onnx'), 'not protobuf \u00ff\u00ff\u00ff');
    const result = await importModelFile(join(dir, 'lstm.onnx'));
    expect(!result.ok && result.error.message).toMatch(
      /^LSTM node 'lstm_1': is not an operator Backflow imports/,
    );
    const junk = await importModelFile(join(dir, 'junk.onnx'));
    expect(!junk.ok && junk.error.message).toMatch(/^not an ONNX model Backflow can read: /);
  });
});
