// A table of broken graphs: each must yield exactly one problem on the named node with the key words.
import { describe, expect, it } from 'vitest';
import type { DesignGraph } from '../design/types';
import type { ShapeContext } from '../layers/types';
import { analyzeGraph } from './analyze';
import { chain, edge, edit, mlp, node, residual } from './fixtures';

const ctx: ShapeContext = { outputUnits: 3 };

type Case = [
  name: string,
  graph: DesignGraph,
  nodeId: string | null,
  words: string[],
  context?: ShapeContext,
];

const broken: Case[] = [
  [
    'duplicate node id',
    edit(mlp(), (n) => n.splice(2, 0, node('d1', 'dense'))),
    'd1',
    ['two nodes share this id'],
  ],
  ['empty id', edit(mlp(), (n) => n.push({ ...node('', 'dense') })), null, ['node #4 (dense) has no id']],
  ['invalid id', edit(mlp(), (n) => n.push(node('my node', 'dense'))), 'my node', ['not a valid node id']],
  [
    'unknown type',
    edit(mlp(), (n) => (n[1] = { ...n[1], type: 'dens' as 'dense' })),
    'd1',
    ['unknown layer type "dens"', 'did you mean "dense"'],
  ],
  [
    'unknown type from Keras',
    edit(mlp(), (n) => (n[1] = { ...n[1], type: 'BatchNorm' as 'dense' })),
    'd1',
    ['did you mean "batchNormalization"'],
  ],
  [
    'param out of range',
    edit(mlp(), (n) => (n[1] = node('d1', 'dense', { units: 0 }))),
    'd1',
    ['"units" must be from 1 to 16384, got 0'],
  ],
  [
    'misspelt param',
    edit(mlp(), (n) => (n[1] = node('d1', 'dense', { unit: 8 }))),
    'd1',
    ['unknown parameter "unit"', 'did you mean "units"'],
  ],
  [
    'edge from unknown node',
    edit(mlp(), (_, e) => (e[0] = edge('e1', 'ghost', 'd1'))),
    'd1',
    ['e1', '"ghost", which is not a node', 'delete'],
  ],
  ['self-loop', edit(mlp(), (_, e) => e.push(edge('e9', 'd1', 'd1'))), 'd1', ['connected to itself', 'e9']],
  [
    'duplicate edge',
    edit(mlp(), (_, e) => e.push(edge('e9', 'in', 'd1'))),
    'd1',
    ['connected twice from in', 'e1 and e9'],
  ],
  [
    'duplicate edge id',
    edit(mlp(), (_, e) => (e[1] = edge('e1', 'd1', 'out'))),
    'out',
    ['edge id "e1" is used twice'],
  ],
  [
    'cycle',
    edit(
      chain(
        node('in', 'input'),
        node('d1', 'dense'),
        node('d2', 'dense'),
        node('d3', 'dense'),
        node('out', 'output'),
      ),
      (_, e) => e.push(edge('e9', 'd3', 'd1')),
    ),
    'd1',
    ['cycle d1 → d2 → d3 → d1'],
  ],
  [
    'no input connected',
    edit(mlp(), (_, e) => e.shift()),
    'd1',
    ['d1: expects 1 input, has 0 — connect a layer to it'],
  ],
  [
    'two inputs on a dense layer',
    edit(mlp(), (n, e) => {
      n.splice(1, 0, node('d0', 'dense'));
      e.push(edge('e3', 'in', 'd0'), edge('e4', 'd0', 'd1'));
    }),
    'd1',
    ['expects 1 input, has 2', 'e1, e4'],
  ],
  [
    'add with one input',
    edit(residual(), (_, e) => e.splice(3, 1)),
    'a1',
    ['expects 2 to 8 inputs, has 1', 'connect another layer'],
  ],
  ['add edge without slot', residual([undefined, 'in1']), 'a1', ['e3', 'has no slot', 'in0 to in1']],
  ['add edge with malformed slot', residual(['left', 'in1']), 'a1', ['uses slot "left"']],
  ['add slots duplicated', residual(['in0', 'in0']), 'a1', ['e3 and e4 both use slot in0']],
  ['add slots with a gap', residual(['in0', 'in2']), 'a1', ['slots in0, in2', 'must be in0 to in1']],
  [
    'edge out of the output',
    edit(mlp(), (n, e) => {
      n.push(node('d9', 'dense'));
      e.push(edge('e9', 'out', 'd9'));
    }),
    'out',
    ['output ends the network', 'e9'],
  ],
  [
    'edge into the input',
    edit(mlp(), (_, e) => e.push(edge('e9', 'd1', 'in'))),
    'in',
    ['takes no incoming connections', 'e9'],
  ],
  [
    'no input node',
    edit(mlp(), (n) => {
      n[0] = node('in', 'dense');
    }),
    null,
    ['no input node'],
  ],
  [
    'two input nodes',
    edit(mlp(), (n) => n.push(node('in2', 'input'))),
    'in2',
    ['already has an input node (in)'],
  ],
  ['no output node', chain(node('in', 'input'), node('d1', 'dense')), null, ['no output node']],
  [
    'two output nodes',
    edit(mlp(), (n, e) => {
      n.push(node('out2', 'output'));
      e.push(edge('e9', 'd1', 'out2'));
    }),
    'out2',
    ['already has an output node (out)'],
  ],
  [
    'dangling layer',
    edit(mlp(), (n, e) => {
      n.push(node('d5', 'dense'));
      e.push(edge('e9', 'd1', 'd5'));
    }),
    'd5',
    ['d5: not connected to the output — connect it or delete it'],
  ],
  [
    'unfed layer',
    edit(mlp(), (n, e) => {
      n.push(node('d5', 'dense'));
      e.push(edge('e9', 'd5', 'd1'));
    }),
    'd5',
    ['d5: expects 1 input, has 0'],
  ],
  [
    'add of 64 and 32',
    edit(residual(), (n) => (n[2] = node('d2', 'dense', { units: 32 }))),
    'a1',
    ['a1: inputs have shapes 64 and 32 — they must match'],
  ],
  [
    'dense after an image',
    chain(node('in', 'input', { shape: [8, 8, 1] }), node('d1', 'dense'), node('out', 'output')),
    'd1',
    ['8×8×1', 'Flatten'],
  ],
  [
    'conv after a vector',
    chain(node('in', 'input'), node('c1', 'conv2d'), node('f', 'flatten'), node('out', 'output')),
    'c1',
    ['3-D input', 'gets 2'],
  ],
  [
    'input shape differs from the data',
    mlp(),
    'in',
    ['in: shape 2 but the data set gives 28×28×1 examples', '[28, 28, 1]'],
    { outputUnits: 10, dataInputShape: [28, 28, 1] },
  ],
  [
    'too many weights',
    chain(
      node('in', 'input', { shape: [4096] }),
      node('d1', 'dense', { units: 8192 }),
      node('out', 'output'),
    ),
    'd1',
    ['33,587,203 weights', 'limit of 20,000,000', 'd1 alone has 33,562,624'],
  ],
  [
    'too many activation values',
    chain(
      node('in', 'input', { shape: [512, 512, 3] }),
      node('c1', 'conv2d', { filters: 32 }),
      node('p', 'maxPooling2d', { poolSize: 64, strides: 64 }),
      node('f', 'flatten'),
      node('out', 'output'),
    ),
    'c1',
    ['9,179,139 values per example', 'limit of 4,000,000', 'c1 alone outputs 8,388,608'],
  ],
];

describe('broken graphs', () => {
  it.each(broken)('%s', (_name, graph, nodeId, words, context = ctx) => {
    const a = analyzeGraph(graph, context);
    expect(a.trainable).toBe(false);
    const matching = a.problems.filter(
      (p) => p.nodeId === nodeId && words.every((w) => p.message.includes(w)),
    );
    expect(matching, JSON.stringify(a.problems, null, 1)).toHaveLength(1);
    for (const p of a.problems) {
      if (p.nodeId !== null) expect(p.message.startsWith(`${p.nodeId}: `)).toBe(true);
      expect(p.message).toMatch(/ — /); // every message says what to do
    }
  });
});
