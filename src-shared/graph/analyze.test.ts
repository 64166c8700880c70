import { describe, expect, it } from 'vitest';
import type { DesignGraph } from '../design/types';
import type { ShapeContext } from '../layers/types';
import { analyzeGraph, MAX_TOTAL_PARAMS } from './analyze';
import { chain, convNet, edge, edit, mlp, node, residual } from './fixtures';
import { formatShape } from './format';

const ctx: ShapeContext = { outputUnits: 3 };

describe('valid graphs', () => {
  it('MLP', () => {
    const a = analyzeGraph(mlp(), ctx);
    expect(a.problems).toEqual([]);
    expect(a.trainable).toBe(true);
    expect(a.order).toEqual(['in', 'd1', 'out']);
    expect(Object.fromEntries(a.shapes)).toEqual({ in: [2], d1: [64], out: [3] });
    expect(a.paramCounts.get('d1')).toBe(192);
    expect(a.totalParams).toBe(192 + 195);
    expect(a.layers.get('d1')?.params).toMatchObject({
      units: 64,
      activation: 'sigmoid',
      useBias: true,
      kernelInitializer: 'glorotUniform',
    });
  });

  it('MLP before a data set is chosen: output width unknown', () => {
    const a = analyzeGraph(mlp(), {});
    expect(a.trainable).toBe(true);
    expect(formatShape(a.shapes.get('out'))).toBe('?');
    expect(a.totalParams).toBe(192);
  });

  it('residual add with two inputs', () => {
    const a = analyzeGraph(residual(), { outputUnits: 2 });
    expect(a.problems).toEqual([]);
    expect(a.shapes.get('a1')).toEqual([64]);
    expect(a.inputShapes.get('a1')).toEqual([[64], [64]]);
    expect(a.totalParams).toBe(192 + 4160 + 130);
  });

  it('concatenate follows the slot order', () => {
    const graph: DesignGraph = {
      nodes: [
        node('in', 'input'),
        node('a', 'dense', { units: 16 }),
        node('b', 'dense', { units: 8 }),
        node('cat', 'concatenate'),
        node('out', 'output'),
      ],
      edges: [
        edge('e1', 'in', 'a'),
        edge('e2', 'in', 'b'),
        edge('e3', 'b', 'cat', 'in0'),
        edge('e4', 'a', 'cat', 'in1'),
        edge('e5', 'cat', 'out'),
      ],
    };
    const a = analyzeGraph(graph, ctx);
    expect(a.problems).toEqual([]);
    expect(a.inputShapes.get('cat')).toEqual([[8], [16]]);
    expect(a.shapes.get('cat')).toEqual([24]);
    expect(a.totalParams).toBe(48 + 24 + 75);
  });

  it('conv net', () => {
    const a = analyzeGraph(convNet(), { outputUnits: 10, dataInputShape: [28, 28, 1] });
    expect(a.problems).toEqual([]);
    expect(a.order).toEqual(['in', 'c1', 'p1', 'c2', 'bn', 'act', 'flat', 'out']);
    expect(a.order.map((id) => formatShape(a.shapes.get(id)))).toEqual([
      '28×28×1',
      '28×28×16',
      '14×14×16',
      '12×12×32',
      '12×12×32',
      '12×12×32',
      '4608',
      '10',
    ]);
    expect(a.totalParams).toBe(160 + 4640 + 128 + 46_090);
  });

  it('a file written out of order is analysed in topological order', () => {
    const graph = mlp();
    const a = analyzeGraph({ nodes: [...graph.nodes].reverse(), edges: graph.edges }, ctx);
    expect(a.trainable).toBe(true);
    expect(a.order).toEqual(['in', 'd1', 'out']);
  });
});

describe('problems', () => {
  it('reports a shape mismatch once and leaves downstream shapes absent', () => {
    const a = analyzeGraph(
      edit(residual(), (n) => (n[2] = node('d2', 'dense', { units: 32 }))),
      ctx,
    );
    expect(a.problems).toHaveLength(1);
    expect(a.shapes.get('d2')).toEqual([32]);
    expect(a.shapes.has('a1')).toBe(false);
    expect(a.shapes.has('out')).toBe(false);
  });

  it('reports an edge from an unknown node once, without an arity or "not connected" message after it', () => {
    const a = analyzeGraph(
      edit(mlp(), (_, e) => (e[0] = edge('e1', 'ghost', 'd1'))),
      ctx,
    );
    // The input really is unconnected now; d1 and out are not reported again.
    expect(a.problems.map((p) => [p.nodeId, p.edgeId])).toEqual([
      ['d1', 'e1'],
      ['in', undefined],
    ]);
  });

  it('reports a missing input on the node, not again as "not connected" on the nodes after it', () => {
    const a = analyzeGraph(
      edit(mlp(), (_, e) => e.shift()),
      ctx,
    );
    expect(a.problems.map((p) => p.message)).toEqual([
      'd1: expects 1 input, has 0 — connect a layer to it',
      'in: not connected to the output — connect it or delete it',
    ]);
  });

  it('reports a cycle once, plus the real extra input of the node closing it', () => {
    const graph = edit(
      chain(node('in', 'input'), node('d1', 'dense'), node('d2', 'dense'), node('out', 'output')),
      (_, e) => e.push(edge('e9', 'd2', 'd1')),
    );
    const a = analyzeGraph(graph, ctx);
    expect(a.problems.map((p) => p.message)).toEqual([
      'd1: expects 1 input, has 2 — keep one of edges e1, e9 (or merge them first with an add or concatenate layer)',
      'd1: part of a cycle d1 → d2 → d1 — delete one of these connections',
    ]);
    expect(a.order).toEqual(['in']);
    expect([...a.shapes.keys()]).toEqual(['in']);
  });

  it('keeps the shapes of a graph whose only fault is the data shape', () => {
    const a = analyzeGraph(mlp(), { outputUnits: 3, dataInputShape: [4] });
    expect(a.problems).toHaveLength(1);
    expect(a.shapes.get('out')).toEqual([3]);
  });

  it('accepts exactly the limit-sized network', () => {
    // 4096·4096 + 4096 = 16,781,312 weights: under the limit.
    const a = analyzeGraph(
      chain(
        node('in', 'input', { shape: [4096] }),
        node('d1', 'dense', { units: 4096 }),
        node('out', 'output'),
      ),
      ctx,
    );
    expect(a.trainable).toBe(true);
    expect(a.totalParams).toBeLessThanOrEqual(MAX_TOTAL_PARAMS);
  });

  it.each([
    ['null', null],
    ['a string', 'graph'],
    ['no nodes', {}],
    ['nodes not a list', { nodes: 3, edges: [] }],
    [
      'garbage entries',
      { nodes: [null, 7, { id: 5 }, { id: 'x', type: 'dense', params: 'p' }], edges: [null, { id: 1 }, 'e'] },
    ],
    [
      'prototype names',
      {
        nodes: [
          { id: '__proto__', type: 'toString' },
          { id: 'constructor', type: 'input', params: { shape: '2' } },
        ],
        edges: [{ id: 'e', source: '__proto__', target: 'constructor' }],
      },
    ],
    ['huge', { nodes: Array.from({ length: 3000 }, (_, i) => ({ id: `n${i}`, type: 'dense' })), edges: [] }],
  ])('never throws on %s', (_name, graph) => {
    const a = analyzeGraph(graph as unknown as DesignGraph, ctx);
    expect(a.trainable).toBe(false);
    expect(a.problems.length).toBeGreaterThan(0);
  });
});
