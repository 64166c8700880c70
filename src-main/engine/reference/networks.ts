/**
 * The tiny networks the reference checks against the engine: one per layer
 * type and activation, residual and concatenation merges, conv stacks with
 * every padding/stride/pooling variant, and batch / layer normalization.
 */
import type { Design, DesignNode } from '../../../src-shared/design/types';
import { ACTIVATIONS } from '../../../src-shared/layers/activations';
import type { LoadedData } from '../data/types';
import { chainDesign, tinyData, tinyDesign } from './harness';

/** A named design and the data it is checked on. */
export type ReferenceCase = [name: string, design: Design, data: LoadedData];

/** Batch size = data size of every case. */
export const N = 4;
const flat = (features: number, outputUnits = 3, task: 'classification' | 'regression' = 'classification') =>
  tinyData({ n: N, inputShape: [features], outputUnits, task, scale: 1.5 });
const image = (shape: number[], outputUnits = 3, task: 'classification' | 'regression' = 'classification') =>
  tinyData({ n: N, inputShape: shape, outputUnits, task });
const node = (id: string, type: DesignNode['type'], params: object = {}): DesignNode => ({
  id,
  type,
  params: params as DesignNode['params'],
});
const edge = (source: string, target: string, targetHandle?: string) => ({
  id: `${source}-${target}`,
  source,
  target,
  ...(targetHandle ? { targetHandle } : {}),
});

/** Large weights (z has std ≈ 6) so that some sigmoid/tanh pre-activations pass the saturation threshold. */
const wide = { name: 'randomNormal', stddev: 4 };

/**
 * Non-negative features: a unit whose incoming weights are all negative is then
 * ≤ 0 on every example, so the dead-unit statistic is exercised, not just 0.
 */
function positive(data: LoadedData): LoadedData {
  data.train.x.forEach((v, i, x) => (x[i] = Math.abs(v)));
  return data;
}

/** Every network checked: one per layer type and activation, plus merges, conv stacks and norms. */
export const NETWORKS: ReferenceCase[] = [
  ...ACTIVATIONS.map((activation): ReferenceCase => [
    `dense ${activation}`,
    chainDesign(
      N,
      ['in', 'input', { shape: [3] }],
      ['d1', 'dense', { units: 8, activation, alpha: 0.2, kernelInitializer: wide }],
      ['out', 'output'],
    ),
    positive(flat(3)),
  ]),
  [
    'activation layer',
    chainDesign(
      N,
      ['in', 'input', { shape: [3] }],
      ['d1', 'dense', { units: 4 }],
      ['a', 'activation', { activation: 'tanh' }],
      ['out', 'output'],
    ),
    flat(3),
  ],
  [
    'dropout rate 0',
    chainDesign(
      N,
      ['in', 'input', { shape: [3] }],
      ['d1', 'dense', { units: 4, activation: 'relu' }],
      ['dr', 'dropout', { rate: 0 }],
      ['out', 'output'],
    ),
    flat(3),
  ],
  [
    'residual add',
    tinyDesign(
      [
        node('in', 'input', { shape: [3] }),
        node('d1', 'dense', { units: 4, activation: 'tanh' }),
        node('d2', 'dense', { units: 4, activation: 'relu' }),
        node('sum', 'add'),
        node('out', 'output'),
      ],
      [
        edge('in', 'd1'),
        edge('d1', 'd2'),
        edge('d1', 'sum', 'in0'),
        edge('d2', 'sum', 'in1'),
        edge('sum', 'out'),
      ],
      N,
    ),
    flat(3),
  ],
  [
    'concatenate, sigmoid cross-entropy',
    tinyDesign(
      [
        node('in', 'input', { shape: [3] }),
        node('d1', 'dense', { units: 3, activation: 'sigmoid' }),
        node('d2', 'dense', { units: 2, activation: 'elu' }),
        node('cat', 'concatenate'),
        node('out', 'output', { loss: 'sigmoidCrossEntropy' }),
      ],
      [
        edge('in', 'd1'),
        edge('in', 'd2'),
        edge('d2', 'cat', 'in0'),
        edge('d1', 'cat', 'in1'),
        edge('cat', 'out'),
      ],
      N,
    ),
    flat(3, 2),
  ],
  [
    'conv same → max pool → flatten',
    chainDesign(
      N,
      ['in', 'input', { shape: [5, 5, 2] }],
      ['c1', 'conv2d', { filters: 3, kernelSize: 3, activation: 'elu' }],
      ['p1', 'maxPooling2d'],
      ['f', 'flatten'],
      ['out', 'output'],
    ),
    image([5, 5, 2]),
  ],
  [
    'conv valid stride 2, mean squared error',
    chainDesign(
      N,
      ['in', 'input', { shape: [7, 6, 1] }],
      ['c1', 'conv2d', { filters: 2, kernelSize: 3, strides: 2, padding: 'valid', activation: 'tanh' }],
      ['f', 'flatten'],
      ['out', 'output', { loss: 'meanSquaredError' }],
    ),
    image([7, 6, 1], 2, 'regression'),
  ],
  [
    'conv same stride 2 (asymmetric padding) → average pool valid',
    chainDesign(
      N,
      ['in', 'input', { shape: [6, 5, 2] }],
      ['c1', 'conv2d', { filters: 2, kernelSize: [3, 2], strides: 2, activation: 'swish' }],
      ['p1', 'averagePooling2d', { poolSize: 2, strides: 1 }],
      ['f', 'flatten'],
      ['out', 'output'],
    ),
    image([6, 5, 2]),
  ],
  [
    'conv → average pool same (padding excluded from the mean)',
    chainDesign(
      N,
      ['in', 'input', { shape: [5, 5, 1] }],
      ['c1', 'conv2d', { filters: 2, kernelSize: 3 }],
      ['p1', 'averagePooling2d', { poolSize: 2, strides: 2, padding: 'same' }],
      ['f', 'flatten'],
      ['out', 'output'],
    ),
    image([5, 5, 1]),
  ],
  [
    'conv → max pool same',
    chainDesign(
      N,
      ['in', 'input', { shape: [5, 5, 1] }],
      ['c1', 'conv2d', { filters: 2, kernelSize: 3 }],
      ['p1', 'maxPooling2d', { poolSize: 3, strides: 2, padding: 'same' }],
      ['f', 'flatten'],
      ['out', 'output'],
    ),
    image([5, 5, 1]),
  ],
  [
    'dense → batch norm → relu',
    chainDesign(
      N,
      ['in', 'input', { shape: [3] }],
      ['d1', 'dense', { units: 4 }],
      ['bn', 'batchNormalization'],
      ['a', 'activation', { activation: 'relu' }],
      ['out', 'output'],
    ),
    flat(3),
  ],
  [
    'conv → batch norm (per channel over batch and space)',
    chainDesign(
      N,
      ['in', 'input', { shape: [4, 4, 2] }],
      ['c1', 'conv2d', { filters: 3, kernelSize: 3 }],
      ['bn', 'batchNormalization'],
      ['f', 'flatten'],
      ['out', 'output'],
    ),
    image([4, 4, 2]),
  ],
  [
    'dense → layer norm, mean squared error',
    chainDesign(
      N,
      ['in', 'input', { shape: [3] }],
      ['d1', 'dense', { units: 5 }],
      ['ln', 'layerNormalization'],
      ['out', 'output', { loss: 'meanSquaredError' }],
    ),
    flat(3, 2, 'regression'),
  ],
  [
    'conv → global average pool (one mean per channel)',
    chainDesign(
      N,
      ['in', 'input', { shape: [4, 3, 2] }],
      ['c1', 'conv2d', { filters: 3, kernelSize: 2, activation: 'tanh' }],
      ['gap', 'globalAveragePooling2d'],
      ['out', 'output'],
    ),
    image([4, 3, 2]),
  ],
  [
    'reshape a vector into an image, convolve, reshape back (channels-last order)',
    chainDesign(
      N,
      ['in', 'input', { shape: [12] }],
      ['r1', 'reshape', { targetShape: [2, 3, 2] }],
      ['c1', 'conv2d', { filters: 2, kernelSize: 2, activation: 'sigmoid' }],
      ['r2', 'reshape', { targetShape: [4, 3] }],
      ['ln', 'layerNormalization'],
      ['r3', 'reshape', { targetShape: [12] }],
      ['out', 'output'],
    ),
    flat(12),
  ],
  [
    'conv → layer norm (per position over channels)',
    chainDesign(
      N,
      ['in', 'input', { shape: [3, 3, 2] }],
      ['c1', 'conv2d', { filters: 3, kernelSize: 2, padding: 'valid' }],
      ['ln', 'layerNormalization'],
      ['f', 'flatten'],
      ['out', 'output'],
    ),
    image([3, 3, 2]),
  ],
];
