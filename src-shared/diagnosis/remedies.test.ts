/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { parseDesign } from '../design/parse';
import { serializeDesign } from '../design/serialize';
import type { Design, DesignNode } from '../design/types';
import { analyzeGraph } from '../graph/analyze';
import { diagnose } from './diagnose';
import { allFixtureDesigns, FIXTURE_NAMES, loadDesign, loadRun } from './fixtures';
import { shapeContext } from '../design/datasets';
import { hiddenLayers } from './network';
import { matchInitializers, swapActivation } from './remedies/activation';
import {
  batchNormRemedy,
  clippingRemedy,
  initializerRemedy,
  leakyReluRemedy,
  lowerLearningRateRemedy,
  raiseLearningRateRemedy,
  removeLayersRemedy,
  skipRemedy,
  swapToReluHeRemedy,
} from './remedies/catalogue';
import { addSkipConnections, insertBatchNorm, removeLayers } from './remedies/structure';
import { enableClipping, scaleLearningRate } from './remedies/training';
import type { Remedy } from './types';

const examples = import.meta.glob('../../resources/examples/*.backflow.json', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** Every design the remedies are tried on: the fixtures and the shipped examples. */
const designs: [string, Design][] = [
  ...Object.entries(allFixtureDesigns()),
  ...Object.entries(examples).map(([path, text]): [string, Design] => [path, loadDesign(text)]),
];

/** Freezes a design all the way down, so that any mutation by a remedy throws. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** Every remedy the builders offer for a design, aimed at all its hidden layers. */
function allRemedies(design: Design): Remedy[] {
  const ids = hiddenLayers(design).map((n) => n.id);
  return [
    swapToReluHeRemedy(design, ids),
    leakyReluRemedy(design, ids),
    initializerRemedy(design, ids),
    batchNormRemedy(design, ids),
    skipRemedy(design),
    removeLayersRemedy(design, ids),
    lowerLearningRateRemedy(design),
    raiseLearningRateRemedy(design),
    clippingRemedy(design),
  ].filter((r): r is Remedy => r !== undefined);
}

function expectValid(result: Design): void {
  const parsed = parseDesign(serializeDesign(result));
  if (!parsed.ok) throw new Error(parsed.error.message);
  expect(parsed.design).toEqual(result);
  const analysis = analyzeGraph(result.graph, shapeContext(result));
  expect(analysis.problems.map((p) => p.message)).toEqual([]);
  expect(analysis.trainable).toBe(true);
  const ids = [...result.graph.nodes.map((n) => n.id), ...result.graph.edges.map((e) => e.id)];
  expect(new Set(ids).size).toBe(ids.length);
}

const byId = (design: Design, id: string): DesignNode => {
  const node = design.graph.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  return node;
};

describe('every remedy on every fixture and example design', () => {
  for (const [name, design] of designs) {
    it(`${name}: valid, trainable, not mutating, ids kept`, () => {
      const frozen = deepFreeze(structuredClone(design));
      const remedies = allRemedies(frozen);
      expect(remedies.length).toBeGreaterThanOrEqual(3);
      for (const remedy of remedies) {
        const result = remedy.apply(frozen);
        expect(result, remedy.id).not.toBe(frozen);
        expectValid(result);
        if (remedy.id === 'remove-layers') continue;
        for (const node of frozen.graph.nodes) expect(byId(result, node.id).type).toBe(node.type);
      }
      expect(frozen).toEqual(design);
    });
  }

  it('the remedies the findings offer on the recorded runs are valid too', () => {
    let count = 0;
    for (const name of FIXTURE_NAMES) {
      const { design, records, diverged } = loadRun(name);
      for (const finding of diagnose(records, { design, diverged })) {
        for (const remedy of finding.remedies) {
          expectValid(remedy.apply(deepFreeze(structuredClone(design))));
          count += 1;
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(15);
  });
});

describe('remedy edits', () => {
  const sigmoid = loadRun('vanishing-sigmoid').design;
  const batchnorm = loadDesign(examples['../../resources/examples/deep-sigmoid-batchnorm.backflow.json']);
  const hidden = (d: Design) => hiddenLayers(d).map((n) => n.id);

  it('insert BatchNorm: d1(sigmoid) becomes d1(linear, no bias) → bn → activation(sigmoid)', () => {
    const result = insertBatchNorm(sigmoid, ['d1']);
    expect(byId(result, 'd1').params).toMatchObject({ activation: 'linear', useBias: false });
    const next = (id: string) => result.graph.edges.filter((e) => e.source === id).map((e) => e.target);
    expect(next('d1')).toEqual(['bn1']);
    expect(next('bn1')).toEqual(['act1']);
    expect(next('act1')).toEqual(['d2']);
    expect(byId(result, 'act1').params).toMatchObject({ activation: 'sigmoid' });
    // Already normalized: nothing to do, and the remedy is not offered.
    expect(insertBatchNorm(batchnorm, hidden(batchnorm))).toBe(batchnorm);
    expect(batchNormRemedy(batchnorm, hidden(batchnorm))).toBeUndefined();
  });

  it('swap to ReLU + He init reaches activation nodes after BatchNorm', () => {
    const remedy = swapToReluHeRemedy(batchnorm, hidden(batchnorm));
    const result = remedy?.apply(batchnorm);
    if (!result) throw new Error('no remedy');
    const activations = result.graph.nodes.filter((n) => n.type === 'activation');
    expect(activations.length).toBe(10);
    expect(activations.every((n) => n.params.activation === 'relu')).toBe(true);
    expect(hiddenLayers(result).every((n) => n.params.kernelInitializer === 'heNormal')).toBe(true);
    expect(swapActivation(result, hidden(result), 'relu')).toBe(result);
  });

  it('skip connections: sums of same-width pairs with in0 = F(x), in1 = x; applying twice adds nothing', () => {
    const result = addSkipConnections(sigmoid);
    const adds = result.graph.nodes.filter((n) => n.type === 'add').map((n) => n.id);
    expect(adds).toEqual(['add1', 'add2', 'add3', 'add4']);
    const into = (id: string) =>
      result.graph.edges.filter((e) => e.target === id).map((e) => `${e.source}@${e.targetHandle ?? ''}`);
    expect(into('add1')).toEqual(['d3@in0', 'd1@in1']);
    expect(into('d4')).toEqual(['add1@']);
    expect(into('add2')).toEqual(['d5@in0', 'add1@in1']);
    expect(addSkipConnections(result)).toBe(result);
    expect(skipRemedy(result)).toBeUndefined();
  });

  it('remove layers keeps the chain connected and at least one hidden layer', () => {
    const shorter = removeLayers(sigmoid, ['d1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    expect(hidden(shorter)).toEqual(['d7', 'd8', 'd9', 'd10']);
    expect(shorter.graph.edges.find((e) => e.target === 'd7')?.source).toBe('in');
    const all = removeLayers(sigmoid, hidden(sigmoid));
    expect(hidden(all)).toEqual(['d10']);
    expectValid(all);
    // The catalogue keeps two hidden layers.
    expect(removeLayersRemedy(sigmoid, hidden(sigmoid))?.label).toBe('Remove d1–d8');
  });

  it('remove layers takes the BatchNorm and activation nodes of a layer with it', () => {
    const result = removeLayers(batchnorm, ['d2']);
    const ids = result.graph.nodes.map((n) => n.id);
    expect(ids).not.toContain('d2');
    expect(ids).not.toContain('bn2');
    expect(ids).not.toContain('s2');
    expect(result.graph.edges.find((e) => e.target === 'd3')?.source).toBe('s1');
  });

  it('initializers follow the activation; learning rate ÷ 10 and clipping', () => {
    const tanh = loadRun('saturating-tanh').design;
    const matched = matchInitializers(tanh, hidden(tanh));
    expect(hiddenLayers(matched).map((n) => n.params.kernelInitializer)).toEqual(
      Array(5).fill('glorotUniform'),
    );
    expect(scaleLearningRate(sigmoid, 0.1).training.learningRate).toBe(0.01);
    expect(scaleLearningRate(sigmoid, 1000).training.learningRate).toBe(10);
    expect(enableClipping(sigmoid).training.clipNorm).toBe(1);
    const clipped = enableClipping(sigmoid, 0.5);
    expect(clippingRemedy(clipped)).toBeUndefined();
  });

  it('LeakyReLU only replaces ReLU', () => {
    const dead = loadRun('dead-relu').design;
    const result = leakyReluRemedy(dead, hidden(dead))?.apply(dead);
    expect(result && hiddenLayers(result).map((n) => n.params.activation)).toEqual(
      Array(4).fill('leakyRelu'),
    );
    expect(leakyReluRemedy(sigmoid, hidden(sigmoid))).toBeUndefined();
  });
});
