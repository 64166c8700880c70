import { describe, expect, it } from 'vitest';
import type { DesignGraph } from '../design/types';
import { edge, node } from './fixtures';
import { nextFreeHandle } from './handles';
import { orderedInputs, partialOrder, topologicalOrder } from './order';

const ids = (...names: string[]) => names.map((id) => node(id, 'dense'));

describe('topologicalOrder', () => {
  it('keeps file order when it is already topological', () => {
    const graph: DesignGraph = {
      nodes: ids('a', 'b', 'c'),
      edges: [edge('1', 'a', 'b'), edge('2', 'b', 'c')],
    };
    expect(topologicalOrder(graph)).toEqual({ ok: true, order: ['a', 'b', 'c'] });
  });

  it('reorders a shuffled file and breaks ties by file position', () => {
    // Ready at the start: d (index 1) and c (index 2); d is written first.
    const graph: DesignGraph = {
      nodes: ids('a', 'd', 'c', 'b'),
      edges: [edge('1', 'c', 'a'), edge('2', 'c', 'b'), edge('3', 'a', 'b')],
    };
    expect(topologicalOrder(graph)).toEqual({ ok: true, order: ['d', 'c', 'a', 'b'] });
  });

  it('reports the nodes of a cycle in edge direction, not the nodes after it', () => {
    const graph: DesignGraph = {
      nodes: ids('in', 'x', 'y', 'z', 'after'),
      edges: [
        edge('1', 'in', 'x'),
        edge('2', 'x', 'y'),
        edge('3', 'y', 'z'),
        edge('4', 'z', 'x'),
        edge('5', 'z', 'after'),
      ],
    };
    expect(topologicalOrder(graph)).toEqual({ ok: false, cycle: ['x', 'y', 'z'] });
    expect(partialOrder(['in', 'x', 'y', 'z', 'after'], graph.edges).order).toEqual(['in']);
  });

  it('breaks ties by file position even when successors become ready in reverse order', () => {
    const graph: DesignGraph = {
      nodes: ids('a', 'b', 'c', 'd', 'e', 'hub'),
      edges: ['e', 'd', 'c', 'b', 'a'].map((t) => edge(t, 'hub', t)),
    };
    expect(topologicalOrder(graph)).toEqual({ ok: true, order: ['hub', 'a', 'b', 'c', 'd', 'e'] });
  });

  it('ignores edges to unknown nodes', () => {
    const graph: DesignGraph = {
      nodes: ids('a', 'b'),
      edges: [edge('1', 'ghost', 'a'), edge('2', 'b', 'a')],
    };
    expect(topologicalOrder(graph)).toEqual({ ok: true, order: ['b', 'a'] });
  });

  it('orders a long chain written backwards', () => {
    const n = 3000;
    const names = Array.from({ length: n }, (_, i) => `n${n - 1 - i}`);
    const edges = Array.from({ length: n - 1 }, (_, i) => edge(`e${i}`, `n${i}`, `n${i + 1}`));
    const result = topologicalOrder({ nodes: ids(...names), edges });
    expect(result.ok && result.order.slice(0, 3)).toEqual(['n0', 'n1', 'n2']);
  });
});

describe('orderedInputs and nextFreeHandle', () => {
  const graph: DesignGraph = {
    nodes: [
      node('a', 'dense'),
      node('b', 'dense'),
      node('c', 'dense'),
      node('m', 'concatenate'),
      node('d', 'dense'),
    ],
    edges: [
      edge('e1', 'c', 'm', 'in2'),
      edge('e2', 'a', 'm', 'in0'),
      edge('e3', 'b', 'm', 'in1'),
      edge('e4', 'a', 'd'),
    ],
  };

  it('sorts a merge node by slot', () => {
    expect(orderedInputs(graph, 'm').map((e) => e.id)).toEqual(['e2', 'e3', 'e1']);
    expect(orderedInputs(graph, 'd').map((e) => e.id)).toEqual(['e4']);
    expect(orderedInputs(graph, 'a')).toEqual([]);
  });

  it('sorts slots numerically (in10 after in2) and puts unslotted edges last', () => {
    const g: DesignGraph = {
      nodes: [node('m', 'add')],
      edges: [edge('x', 'a', 'm'), edge('ten', 'b', 'm', 'in10'), edge('two', 'c', 'm', 'in2')],
    };
    expect(orderedInputs(g, 'm').map((e) => e.id)).toEqual(['two', 'ten', 'x']);
  });

  it('gives the lowest free slot, none for one-input or full nodes', () => {
    expect(nextFreeHandle(graph, 'm')).toBe('in3');
    const gap: DesignGraph = { nodes: [node('m', 'add')], edges: [edge('e1', 'a', 'm', 'in1')] };
    expect(nextFreeHandle(gap, 'm')).toBe('in0');
    expect(nextFreeHandle(graph, 'd')).toBeUndefined();
    expect(nextFreeHandle(graph, 'nope')).toBeUndefined();
    const full: DesignGraph = {
      nodes: [node('m', 'add')],
      edges: Array.from({ length: 8 }, (_, i) => edge(`e${i}`, `s${i}`, 'm', `in${i}`)),
    };
    expect(nextFreeHandle(full, 'm')).toBeUndefined();
  });
});
