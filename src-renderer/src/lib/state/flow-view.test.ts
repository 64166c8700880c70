import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../../src-shared/graph/index';
import type { Design } from '../../../../src-shared/design/types';
import { shapeContext } from '../../../../src-shared/design/datasets';
import { addAfter, addLayer, moveNodes, setParam, type EditResult } from '../model/edits';
import { emptyDesign } from './design-store.svelte';
import { buildFlowEdges, buildFlowNodes } from './flow-view';

function must(result: EditResult): Design {
  if (!result.ok) throw new Error(result.message);
  return result.design;
}

function chain(): Design {
  let d = must(addLayer(emptyDesign(), 'input', { x: 0, y: 0 }));
  d = must(addAfter(d, 'dense', 'in1', shapeContext(d)));
  d = must(addAfter(d, 'dense', 'dense1', shapeContext(d)));
  return must(addAfter(d, 'output', 'dense2', shapeContext(d)));
}

const view = (d: Design) => analyzeGraph(d.graph, shapeContext(d));

describe('flow view', () => {
  it('shows type, summary, output shape and weights on each node', () => {
    const d = chain();
    const nodes = buildFlowNodes(d, view(d), []);
    expect(nodes.map((n) => [n.id, n.data.shape])).toEqual([
      ['in1', '2'],
      ['dense1', '64'],
      ['dense2', '64'],
      ['out1', '3'],
    ]);
    expect(nodes[1].data).toMatchObject({
      label: 'Dense',
      summary: '64 · linear',
      paramCount: '192',
      problem: '',
    });
    expect(nodes[0].data.handles).toEqual([]);
    expect(nodes[3].data.hasOutput).toBe(false);
  });

  it('reuses every object a move does not touch', () => {
    const d = chain();
    const first = buildFlowNodes(d, view(d), []);
    const moved = must(moveNodes(d, new Map([['dense2', { x: 999, y: 5 }]])));
    const second = buildFlowNodes(moved, view(moved), first);
    expect(second.filter((n, i) => n !== first[i]).map((n) => n.id)).toEqual(['dense2']);
    const edges = buildFlowEdges(d, view(d), [], true, false);
    expect(buildFlowEdges(moved, view(moved), edges, true, false)).toEqual(edges);
  });

  it('a param change updates the node, its shape downstream and the edge labels', () => {
    const d = chain();
    const nodes = buildFlowNodes(d, view(d), []);
    const edges = buildFlowEdges(d, view(d), [], true, false);
    const changed = must(setParam(d, 'dense1', 'units', 32));
    const after = buildFlowNodes(changed, view(changed), nodes);
    expect(after[1].data.shape).toBe('32');
    expect(after[0]).toBe(nodes[0]);
    const labels = buildFlowEdges(changed, view(changed), edges, true, false).map((e) => e.data?.shape);
    expect(labels).toEqual(['2', '32', '64']);
  });

  it('marks invalid nodes with the shared validation message', () => {
    const d = must(addLayer(emptyDesign(), 'dense', { x: 0, y: 0 }));
    const [node] = buildFlowNodes(d, view(d), []);
    expect(node.data.problem).toMatch(/^dense1: /);
  });
});
