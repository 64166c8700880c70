/**
 * Designs for the export and import tests, each covering part of the layer
 * catalogue, and a helper that builds one with non-trivial weights (random
 * biases, norm scales and moving statistics, which initial weights leave at
 * 0 and 1 and would let a layout or eval-mode bug pass unnoticed).
 */
import { ACTIVATIONS } from '../../../src-shared/layers/activations';
import { validateLayer } from '../../../src-shared/layers';
import { analyzeGraph } from '../../../src-shared/graph';
import type { Design } from '../../../src-shared/design/types';
import { tf } from '../backend/tf';
import { buildNetwork, type Network } from '../model/network';
import { designFrom } from '../test-support';

/** Number of classes every test design's output has. */
export const TEST_CLASSES = 3;

type RawNode = { id: string; type: string; params?: object; trainable?: boolean };

function design(name: string, nodes: RawNode[], edges: [string, string, string?][]): Design {
  return designFrom({
    format: 'backflow.design',
    formatVersion: 1,
    name,
    graph: {
      nodes: nodes.map((n) => ({ params: {}, ...n })),
      edges: edges.map(([source, target, targetHandle], i) => ({
        id: `e${i}`,
        source,
        target,
        ...(targetHandle ? { targetHandle } : {}),
      })),
    },
    data: { source: 'builtin', name: 'spiral', samples: 120, classes: TEST_CLASSES },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 16, epochs: 1, seed: 5 },
  });
}

/** A chain of dense layers, one per activation, then BN, LN, output; ids that are not Python names. */
export function denseDesign(): Design {
  const ids = ['in', '1st.layer', 'hidden-2', ...ACTIVATIONS.slice(2).map((a) => `d_${a}`)];
  const nodes: RawNode[] = [{ id: 'in', type: 'input', params: { shape: [3] } }];
  ACTIVATIONS.forEach((activation, i) => {
    const params: Record<string, unknown> = { units: 5 + (i % 3), activation };
    if (activation === 'leakyRelu') params.alpha = 0.2;
    if (i === 1) params.useBias = false;
    if (i === 3) params.kernelInitializer = 'standardUniform';
    if (i === 4) params.kernelInitializer = { name: 'randomNormal', stddev: 0.3 };
    nodes.push({ id: ids[i + 1] ?? `d_${activation}`, type: 'dense', params });
  });
  nodes.push(
    { id: 'bn', type: 'batchNormalization', params: { momentum: 0.9, epsilon: 0.01 } },
    { id: 'ln', type: 'layerNormalization' },
    { id: 'drop', type: 'dropout', params: { rate: 0.3 } },
    { id: 'out', type: 'output' },
  );
  const chain = nodes.map((n) => n.id);
  return design(
    'Dense chain: every activation',
    nodes,
    chain.slice(1).map((id, i) => [chain[i], id]),
  );
}

/** Convolutions (same with odd and even sizes, valid, strided), pooling with asymmetric padding, image BN and LN. */
export function convDesign(): Design {
  const nodes: RawNode[] = [
    { id: 'in', type: 'input', params: { shape: [9, 9, 2] } },
    { id: 'c1', type: 'conv2d', params: { filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' } },
    { id: 'c2', type: 'conv2d', params: { filters: 4, kernelSize: 2, padding: 'valid', activation: 'tanh' } },
    {
      id: 'c3',
      type: 'conv2d',
      params: { filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'leakyRelu', alpha: 0.1 },
    },
    { id: 'mp', type: 'maxPooling2d', params: { poolSize: 3, strides: 2, padding: 'same' } },
    { id: 'bn', type: 'batchNormalization' },
    { id: 'ap', type: 'averagePooling2d', params: { poolSize: 2, strides: 1, padding: 'same' } },
    { id: 'ln', type: 'layerNormalization' },
    { id: 'flat', type: 'flatten' },
    { id: 'd', type: 'dense', params: { units: 7, activation: 'gelu' } },
    { id: 'out', type: 'output' },
  ];
  const chain = nodes.map((n) => n.id);
  return design(
    'Conv net: padding and pooling',
    nodes,
    chain.slice(1).map((id, i) => [chain[i], id]),
  );
}

/**
 * A residual add, channel and width concatenation, valid pooling, a 1×1
 * strided conv, reshapes (image to image, vector to image and back), global
 * average pooling, a flat concatenation.
 */
export function mergeDesign(): Design {
  const nodes: RawNode[] = [
    { id: 'in', type: 'input', params: { shape: [8, 8, 3] } },
    { id: 'c1', type: 'conv2d', params: { filters: 4, kernelSize: 3, activation: 'relu' } },
    { id: 'c2', type: 'conv2d', params: { filters: 4, kernelSize: 3, activation: 'linear' } },
    { id: 'res', type: 'add' },
    { id: 'cat', type: 'concatenate', params: { axis: -1 } },
    { id: 'ap', type: 'averagePooling2d', params: { poolSize: 2, padding: 'valid' } },
    { id: 'mp', type: 'maxPooling2d', params: { poolSize: [1, 2], strides: 1, padding: 'valid' } },
    { id: 'wide', type: 'concatenate', params: { axis: 2 } },
    { id: 'c3', type: 'conv2d', params: { filters: 5, kernelSize: 1, strides: 2, padding: 'valid' } },
    { id: 'flat', type: 'flatten' },
    { id: 'a', type: 'dense', params: { units: 6, activation: 'swish' } },
    { id: 'b', type: 'dense', params: { units: 4, activation: 'softplus' } },
    { id: 'rs', type: 'reshape', params: { targetShape: [4, 2, 5] } },
    { id: 'gap', type: 'globalAveragePooling2d' },
    { id: 'rsb', type: 'reshape', params: { targetShape: [2, 2, 1] } },
    { id: 'rsf', type: 'reshape', params: { targetShape: [4] } },
    { id: 'ab', type: 'concatenate' },
    { id: 'act', type: 'activation', params: { activation: 'leakyRelu', alpha: 0.05 } },
    { id: 'out', type: 'output', params: { loss: 'sigmoidCrossEntropy' } },
  ];
  return design('Merges: residual and concatenation', nodes, [
    ['in', 'c1'],
    ['c1', 'c2'],
    ['c1', 'res', 'in0'],
    ['c2', 'res', 'in1'],
    ['res', 'cat', 'in0'],
    ['c1', 'cat', 'in1'],
    ['cat', 'ap'],
    ['ap', 'mp'],
    ['mp', 'wide', 'in0'],
    ['ap', 'wide', 'in1'],
    ['wide', 'c3'],
    ['c3', 'flat'],
    ['flat', 'a'],
    ['flat', 'b'],
    ['c3', 'rs'],
    ['rs', 'gap'],
    ['b', 'rsb'],
    ['rsb', 'rsf'],
    ['rsf', 'ab', 'in0'],
    ['a', 'ab', 'in1'],
    ['gap', 'ab', 'in2'],
    ['ab', 'act'],
    ['act', 'out'],
  ]);
}

/** `make` with the nodes `ids` frozen (`trainable: false`). */
export function withFrozen(make: () => Design, ids: string[]): () => Design {
  return () => {
    const d = make();
    const nodes = d.graph.nodes.map((n) => (ids.includes(n.id) ? { ...n, trainable: false } : n));
    return { ...d, graph: { ...d.graph, nodes } };
  };
}

/** The input shape of a test design. */
export function inputShape(d: Design): number[] {
  const checked = validateLayer('input', d.graph.nodes.find((n) => n.type === 'input')!.params);
  if (!checked.ok || checked.layer.type !== 'input') throw new Error('the test design has no valid input');
  return [...checked.layer.params.shape];
}

/**
 * Builds `d` (seed 11) and replaces every bias, norm scale and shift, and
 * moving statistic by random values, so exported models are checked on
 * weights no initializer would give.
 */
export function buildWithRandomWeights(d: Design): Network {
  const analysis = analyzeGraph(d.graph, { outputUnits: TEST_CLASSES, dataInputShape: inputShape(d) });
  const network = buildNetwork(d, analysis, 11);
  tf.tidy(() => {
    network.weights.forEach((w, i) => {
      if (w.role === 'kernel') return;
      const base = w.role === 'gamma' ? 1 : 0;
      w.variable.assign(tf.add(tf.randomNormal(w.shape, 0, 0.3, 'float32', 100 + i), base));
    });
    network.movingStats.forEach((m, i) => {
      m.mean.assign(tf.randomNormal(m.mean.shape, 0, 0.5, 'float32', 200 + i));
      m.variance.assign(tf.randomUniform(m.variance.shape, 0.5, 2, 'float32', 300 + i));
    });
  });
  return network;
}
