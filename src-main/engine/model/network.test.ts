/**
 * The weight count the editor shows (analysis.paramCounts, from the layer
 * catalogue's `weights`) against the weights actually built: the network's
 * own tensors, and the TensorFlow.js LayersModel the export makes from them,
 * whose count tfjs derives from its own layer configs. Every shipped example
 * and every layer type is covered.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design } from '../../../src-shared/design/types';
import { describeData } from '../../../src-shared/design/datasets';
import { analyzeGraph } from '../../../src-shared/graph';
import { LAYER_TYPES } from '../../../src-shared/layers';
import { initBackend } from '../backend/backend';
import { convDesign, denseDesign, mergeDesign } from '../export/test-designs';
import { toLayersModel } from '../export/layers-model';
import { EXAMPLES_DIR, readExample } from '../test-support';
import { buildNetwork } from './network';

beforeAll(async () => {
  await initBackend('wasm');
});

const examples = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.backflow.json'));
const catalogueDesigns: [string, () => Design][] = [
  ['dense', denseDesign],
  ['conv', convDesign],
  ['merge', mergeDesign],
];

/** Counts of `design`: per node from the analysis, and from the built network and its tfjs model. */
function counts(design: Design) {
  // The data's width sizes the output; the test designs' inputs are their own (not spiral's 2).
  const analysis = analyzeGraph(design.graph, { outputUnits: describeData(design.data).outputUnits });
  expect(analysis.problems).toEqual([]);
  const network = buildNetwork(design, analysis, 3);
  try {
    const built = new Map<string, number>();
    const add = (id: string, size: number) => built.set(id, (built.get(id) ?? 0) + size);
    for (const w of network.weights) add(w.nodeId, w.variable.size);
    for (const m of network.movingStats) add(m.nodeId, m.mean.size + m.variance.size);
    const model = toLayersModel(network);
    const tfjsTotal = model.countParams();
    model.dispose();
    const analysed = new Map([...analysis.paramCounts].filter(([, n]) => n > 0));
    return { analysed, built, total: analysis.totalParams, tfjsTotal };
  } finally {
    network.dispose();
  }
}

describe('paramCount matches the weights built', () => {
  it('the test designs cover every layer type', () => {
    const types = new Set(catalogueDesigns.flatMap(([, make]) => make().graph.nodes.map((n) => n.type)));
    expect([...types].sort()).toEqual([...LAYER_TYPES].sort());
  });

  it.each(catalogueDesigns)('%s design', (_name, make) => {
    const { analysed, built, total, tfjsTotal } = counts(make());
    expect(built).toEqual(analysed);
    expect(tfjsTotal).toBe(total);
  });

  it.each(examples)('%s', (file) => {
    const { analysed, built, total, tfjsTotal } = counts(readExample(file));
    expect(built).toEqual(analysed);
    expect(tfjsTotal).toBe(total);
    expect(total).toBeGreaterThan(0);
  });
});
