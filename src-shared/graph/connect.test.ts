import { describe, expect, it } from 'vitest';
import type { DesignGraph } from '../design/types';
import { analyzeGraph } from './analyze';
import { canConnect } from './connect';
import { edge, mlp, node } from './fixtures';

/** in → d1 → d2 with a free add node `a1`, a free dense `d3`, a free output `out` and a conv `c1`. */
function workbench(): DesignGraph {
  return {
    nodes: [
      node('in', 'input'),
      node('d1', 'dense'),
      node('d2', 'dense', { units: 32 }),
      node('a1', 'add'),
      node('d3', 'dense'),
      node('out', 'output'),
      node('c1', 'conv2d'),
    ],
    edges: [edge('e1', 'in', 'd1'), edge('e2', 'd1', 'd2'), edge('e3', 'd1', 'a1', 'in0')],
  };
}

const refused = (graph: DesignGraph, source: string, target: string, targetHandle?: string) => {
  const result = canConnect(graph, { source, target, targetHandle }, { outputUnits: 3 });
  return result.ok ? '' : result.message;
};

describe('canConnect', () => {
  it('accepts ordinary connections', () => {
    const g = workbench();
    expect(canConnect(g, { source: 'd2', target: 'd3' }, {})).toEqual({ ok: true });
    expect(canConnect(g, { source: 'd2', target: 'out' }, {})).toEqual({ ok: true });
    expect(canConnect(g, { source: 'd1', target: 'a1', targetHandle: 'in1' }, {}).ok).toBe(false); // duplicate
    expect(canConnect(g, { source: 'd3', target: 'a1' }, {}).ok).toBe(true); // d3 has no shape yet
  });

  it.each([
    ['unknown source', 'ghost', 'd3', undefined, 'no node "ghost"'],
    ['self-loop', 'd3', 'd3', undefined, 'cannot feed itself'],
    ['into the input', 'd2', 'in', undefined, 'in: an input takes no incoming connections'],
    ['out of the output', 'out', 'd3', undefined, 'out: an output ends the network'],
    ['duplicate', 'in', 'd1', undefined, 'in is already connected to d1'],
    ['second input on a dense layer', 'd3', 'd2', undefined, 'd2 already has an input (from d1)'],
    ['cycle', 'd2', 'd1', undefined, 'would make a cycle'],
    ['taken slot', 'd2', 'a1', 'in0', 'slot in0 is taken'],
    ['slot out of range', 'd2', 'a1', 'in8', 'slot "in8" does not exist'],
    ['shape the merge cannot take', 'd2', 'a1', undefined, 'a1: inputs have shapes 64 and 32'],
    ['image into dense? no: vector into conv', 'd2', 'c1', undefined, 'c1: expects a 3-D input'],
  ])('refuses %s', (_name, source, target, handle, words) => {
    expect(refused(workbench(), source, target, handle)).toContain(words);
  });

  it('names the loop it would close', () => {
    const g: DesignGraph = {
      nodes: [node('in', 'input'), node('d1', 'dense'), node('d2', 'dense'), node('d3', 'dense')],
      edges: [edge('e1', 'in', 'd1'), edge('e2', 'd1', 'd2'), edge('e3', 'd2', 'd3')],
    };
    expect(refused(g, 'd3', 'd1')).toBe('connecting d3 → d1 would make a cycle (d1 → d2 → d3 → d1)');
  });

  it('refuses a full merge node', () => {
    const g: DesignGraph = {
      nodes: [node('in', 'input'), node('a1', 'add')],
      edges: Array.from({ length: 8 }, (_, i) => edge(`e${i}`, `x${i}`, 'a1', `in${i}`)),
    };
    expect(refused(g, 'in', 'a1')).toBe('a1 already has 8 inputs, its maximum');
  });

  it('accepts a shape check against a precomputed analysis, and ignores the data width', () => {
    const g = mlp();
    const loose = { nodes: g.nodes, edges: g.edges.slice(0, 1) };
    // outputUnits 1 with softmax is a fault of the output's settings, not of this connection.
    const context = { outputUnits: 1 };
    expect(canConnect(loose, { source: 'd1', target: 'out' }, context, analyzeGraph(loose, context))).toEqual(
      { ok: true },
    );
  });
});
