/**
 * The benchmark workloads, fixed so figures stay comparable across versions
 * and with other tools: W1 10×64 sigmoid MLP (batch 64), W2 20×128 sigmoid
 * (batch 128), W3 50×64 ReLU with a residual add every 2 layers (batch 64),
 * all on 3-class spiral data with SGD 0.1, and W4 a small CNN on 28×28×1
 * MNIST (batch 64).
 */
import type { Design, DesignEdge, DesignNode } from '../../../src-shared/design/types';

export interface Workload {
  name: string;
  description: string;
  design: Design;
}

function mlp(
  name: string,
  depth: number,
  width: number,
  activation: string,
  batchSize: number,
  residualEvery = 0,
): Design {
  const nodes: DesignNode[] = [{ id: 'in', type: 'input', params: { shape: [2] } }];
  const edges: DesignEdge[] = [];
  const link = (source: string, target: string, targetHandle?: string) =>
    edges.push({ id: `e${edges.length}`, source, target, ...(targetHandle ? { targetHandle } : {}) });
  let previous = 'in';
  let skipFrom = '';
  // PyTorch's default init, so the PyTorch twin (pytorch_reference.py) trains the same network.
  const init = 'standardUniform';
  for (let i = 1; i <= depth; i++) {
    const id = `d${i}`;
    nodes.push({ id, type: 'dense', params: { units: width, activation, kernelInitializer: init } });
    link(previous, id);
    previous = id;
    if (residualEvery && i === 1) skipFrom = id;
    if (residualEvery && i > 1 && (i - 1) % residualEvery === 0) {
      const addId = `add${i}`;
      nodes.push({ id: addId, type: 'add', params: {} });
      link(skipFrom, addId, 'in0');
      link(id, addId, 'in1');
      previous = addId;
      skipFrom = addId;
    }
  }
  nodes.push({ id: 'out', type: 'output', params: { loss: 'softmaxCrossEntropy' } });
  link(previous, 'out');
  return {
    format: 'backflow.design',
    formatVersion: 1,
    name,
    graph: { nodes, edges },
    data: { source: 'builtin', name: 'spiral', samples: 3000, classes: 3, noise: 0.1 },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize, epochs: 1000, seed: 1, validationSplit: 0 },
  } as Design;
}

function cnn(): Design {
  const layers: DesignNode[] = [
    { id: 'in', type: 'input', params: { shape: [28, 28, 1] } },
    {
      id: 'c1',
      type: 'conv2d',
      params: {
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: 'standardUniform',
      },
    },
    {
      id: 'c2',
      type: 'conv2d',
      params: {
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: 'standardUniform',
      },
    },
    { id: 'p1', type: 'maxPooling2d', params: { poolSize: 2, strides: 2 } },
    {
      id: 'c3',
      type: 'conv2d',
      params: {
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: 'standardUniform',
      },
    },
    { id: 'p2', type: 'maxPooling2d', params: { poolSize: 2, strides: 2 } },
    { id: 'flat', type: 'flatten', params: {} },
    { id: 'out', type: 'output', params: { loss: 'softmaxCrossEntropy' } },
  ];
  const edges = layers.slice(1).map((node, i) => ({ id: `e${i}`, source: layers[i].id, target: node.id }));
  return {
    format: 'backflow.design',
    formatVersion: 1,
    name: 'W4 CNN 28x28x1',
    graph: { nodes: layers, edges },
    data: { source: 'builtin', name: 'mnist', samples: 2000 },
    training: {
      optimizer: 'sgd',
      learningRate: 0.1,
      batchSize: 64,
      epochs: 1000,
      seed: 1,
      validationSplit: 0,
    },
  } as Design;
}

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'W1',
    description: '10×64 sigmoid MLP, batch 64',
    design: mlp('W1 10x64 sigmoid', 10, 64, 'sigmoid', 64),
  },
  {
    name: 'W2',
    description: '20×128 sigmoid MLP, batch 128',
    design: mlp('W2 20x128 sigmoid', 20, 128, 'sigmoid', 128),
  },
  {
    name: 'W3',
    description: '50×64 ReLU, residual add every 2 layers, batch 64',
    design: mlp('W3 50x64 relu residual', 50, 64, 'relu', 64, 2),
  },
  { name: 'W4', description: 'conv16–conv16–pool–conv32–pool–dense10 on 28×28×1, batch 64', design: cnn() },
];
