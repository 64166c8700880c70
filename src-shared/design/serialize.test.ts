/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import productExample from '../../resources/fixtures/designs/v1/product-example.backflow.json?raw';
import { parseDesign } from './parse';
import { serializeDesign } from './serialize';
import type { Design } from './types';

const examples = import.meta.glob('../../resources/examples/*.backflow.json', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

function load(text: string): Design {
  const result = parseDesign(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.design;
}

/** A design touching every optional field: description, positions, handles, initializer objects, clipNorm. */
const rich: Design = load(
  JSON.stringify({
    training: {
      seed: 4294967295,
      clipNorm: 1,
      epochs: 3,
      batchSize: 4096,
      learningRate: 10,
      optimizer: 'rmsprop',
    },
    data: { normalize: 'none', target: 'label', path: 'data/points.csv', source: 'csv' },
    graph: {
      edges: [
        { targetHandle: 'in1', target: 'sum', source: 'a', id: 'e3' },
        { id: 'e1', source: 'in', target: 'a' },
        { id: 'e2', source: 'in', target: 'b' },
        { id: 'e4', source: 'b', target: 'sum', targetHandle: 'in0' },
        { id: 'e5', source: 'sum', target: 'out' },
      ],
      nodes: [
        { position: { y: -0.04, x: 10.06 }, params: { shape: [4] }, type: 'input', id: 'in' },
        {
          id: 'a',
          type: 'dense',
          params: { kernelInitializer: { stddev: 0.5, name: 'randomNormal' }, units: 4 },
        },
        {
          id: 'b',
          type: 'dense',
          params: { useBias: false, units: 4, kernelInitializer: { name: 'orthogonal' } },
        },
        { id: 'sum', type: 'add' },
        { id: 'out', type: 'output', params: { loss: 'meanSquaredError' }, position: { x: 1e6, y: -1e6 } },
      ],
    },
    description: 'Line one.\nLine "two" — with unicode ✓.',
    name: 'Rich',
    formatVersion: 1,
    format: 'backflow.design',
  }),
);

describe('serializeDesign', () => {
  it('writes the docs/design-file.md example in the fixed layout (snapshot)', async () => {
    await expect(serializeDesign(load(productExample))).toMatchFileSnapshot(
      '../../resources/fixtures/designs/serialized/product-example.backflow.json',
    );
  });

  it('round-trips: parse(serialize(d)) equals d, and serializing again changes no byte', () => {
    const designs = [rich, load(productExample), ...Object.values(examples).map(load)];
    expect(designs.length).toBeGreaterThanOrEqual(4);
    for (const design of designs) {
      const text = serializeDesign(design);
      expect(load(text)).toEqual(design);
      expect(serializeDesign(load(text))).toBe(text);
    }
  });

  it('uses the fixed key order at every level, whatever order the input had', () => {
    const text = serializeDesign(rich);
    const document = JSON.parse(text);
    expect(Object.keys(document)).toEqual([
      'format',
      'formatVersion',
      'name',
      'description',
      'graph',
      'data',
      'training',
    ]);
    expect(Object.keys(document.graph)).toEqual(['nodes', 'edges']);
    expect(Object.keys(document.graph.nodes[0])).toEqual(['id', 'type', 'params', 'position']);
    expect(Object.keys(document.graph.nodes[1].params)).toEqual([
      'units',
      'activation',
      'alpha',
      'kernelInitializer',
      'useBias',
    ]);
    expect(Object.keys(document.graph.nodes[1].params.kernelInitializer)).toEqual(['name', 'stddev']);
    expect(Object.keys(document.graph.edges[0])).toEqual(['id', 'source', 'target', 'targetHandle']);
    expect(Object.keys(document.data)).toEqual(['source', 'path', 'target', 'normalize']);
    expect(Object.keys(document.training)).toEqual([
      'optimizer',
      'learningRate',
      'batchSize',
      'epochs',
      'seed',
      'validationSplit',
      'momentum',
      'clipNorm',
    ]);
  });

  it('writes 2-space JSON with a trailing newline, short lists inline, positions rounded', () => {
    const text = serializeDesign(rich);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "graph": {\n    "nodes": [\n      {\n        "id": "in",');
    expect(text).toContain('"shape": [4]');
    expect(text).toContain('"position": {\n          "x": 10.1,\n          "y": 0\n        }');
    const moved: Design = {
      ...rich,
      graph: {
        ...rich.graph,
        nodes: rich.graph.nodes.map((node) => ({ ...node, position: { x: 1 / 3, y: -2 / 3 } })),
      },
    };
    expect(serializeDesign(moved)).toContain('"x": 0.3,\n          "y": -0.7');
  });

  it('omits absent optional fields rather than writing null', () => {
    const text = serializeDesign(load(productExample));
    expect(text).not.toContain('null');
    expect(text).not.toContain('description');
    expect(text).not.toContain('targetHandle');
    expect(text).not.toContain('clipNorm');
  });
});
