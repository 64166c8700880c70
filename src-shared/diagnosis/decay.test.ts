/**
 * The per-layer decay of ‖∂L/∂h‖ at initialisation against its closed forms:
 * the factors the papers derive (√3 for tanh with U[−1/√n, 1/√n], √2 for
 * ReLU with Xavier, 1 with He, √48 for sigmoid), the variances of the
 * initializers and the derivatives of the activations computed here
 * independently, and the diagnosis sentence on a record that decays as the
 * closed form says.
 */
import { describe, expect, it } from 'vitest';
import { parseDesign } from '../design/parse';
import type { Design } from '../design/types';
import type { LayerTelemetry, StepRecord } from '../telemetry';
import { closedFormText, derivativeSquare, describeInitFlow, fanInVariance, layerDecays } from './decay';
import { analysisOf } from './network';

/** An n-layer MLP of `units` on spiral data (3 classes), every layer with `activation` and `init`. */
function mlp(layers: number, units: number, activation: string, init: string, extra: object[] = []): Design {
  const nodes: object[] = [{ id: 'in', type: 'input', params: { shape: [2] } }];
  const edges: object[] = [];
  let previous = 'in';
  for (let i = 1; i <= layers; i++) {
    nodes.push({ id: `d${i}`, type: 'dense', params: { units, activation, kernelInitializer: init } });
    edges.push({ id: `e${i}`, source: previous, target: `d${i}` });
    previous = `d${i}`;
  }
  nodes.push({ id: 'out', type: 'output', params: { kernelInitializer: init } }, ...extra);
  edges.push({ id: 'eo', source: previous, target: 'out' });
  const parsed = parseDesign(
    JSON.stringify({
      format: 'backflow.design',
      formatVersion: 1,
      name: 'decay test',
      graph: { nodes, edges },
      data: { source: 'builtin', name: 'spiral', samples: 300, classes: 3 },
      training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 32, epochs: 1, seed: 1 },
    }),
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.design;
}

/** A step-0 record whose ‖∂L/∂h‖ is `outGrad(id)` at every layer. */
function record(design: Design, outGrad: (id: string) => number): StepRecord {
  const layers = design.graph.nodes
    .filter((n) => n.type !== 'input')
    .map((n) => ({ id: n.id, type: n.type, gradNorm: 1, outGradNorm: outGrad(n.id) }) as LayerTelemetry);
  return { type: 'step', step: 0, epoch: 0, loss: 1, accuracy: null, layers };
}

const depth = (id: string) => (id === 'out' ? 11 : Number(id.slice(1)));

describe('closed forms of the per-layer decay', () => {
  it('the initializers draw the variances their definitions give', () => {
    // Variance of U[−a, a] is a²/3, of N(0, σ²) is σ²; fan_in · Var(W) for a 64 → 32 kernel.
    const n = 64;
    const m = 32;
    const uniform = (a: number) => (a * a) / 3;
    expect(fanInVariance({ name: 'standardUniform' }, n, m)).toBeCloseTo(n * uniform(1 / Math.sqrt(n)), 12);
    expect(fanInVariance({ name: 'glorotUniform' }, n, m)).toBeCloseTo(
      n * uniform(Math.sqrt(6 / (n + m))),
      12,
    );
    expect(fanInVariance({ name: 'glorotNormal' }, n, m)).toBeCloseTo((n * 2) / (n + m), 12);
    expect(fanInVariance({ name: 'heUniform' }, n, m)).toBeCloseTo(n * uniform(Math.sqrt(6 / n)), 12);
    expect(fanInVariance({ name: 'heNormal' }, n, m)).toBeCloseTo(n * (2 / n), 12);
    expect(fanInVariance({ name: 'lecunUniform' }, n, m)).toBeCloseTo(n * uniform(Math.sqrt(3 / n)), 12);
    expect(fanInVariance({ name: 'randomNormal', stddev: 0.05 }, n, m)).toBeCloseTo(n * 0.0025, 12);
    expect(fanInVariance({ name: 'randomUniform', limit: 0.3 }, n, m)).toBeCloseTo(n * uniform(0.3), 12);
    expect(fanInVariance({ name: 'orthogonal', gain: 2 }, n, n)).toBe(4);
    expect(fanInVariance({ name: 'zeros' }, n, m)).toBe(0);
  });

  it('E[f′²] near z = 0 is the squared derivative there (or its average over both sides)', () => {
    const h = 1e-6;
    const slope = (f: (z: number) => number, z: number) => (f(z + h) - f(z - h)) / (2 * h);
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    expect(derivativeSquare('sigmoid')).toBeCloseTo(slope(sigmoid, 0) ** 2, 8);
    expect(derivativeSquare('tanh')).toBeCloseTo(slope(Math.tanh, 0) ** 2, 8);
    // Piecewise: half the pre-activations on each side of 0.
    const leaky = (z: number) => (z > 0 ? z : 0.1 * z);
    expect(derivativeSquare('leakyRelu', 0.1)).toBeCloseTo(
      (slope(leaky, 1) ** 2 + slope(leaky, -1) ** 2) / 2,
      8,
    );
    expect(derivativeSquare('relu')).toBe(0.5);
    expect(derivativeSquare('gelu')).toBeUndefined();
  });

  const cases: [string, string, number][] = [
    ['tanh', 'standardUniform', Math.sqrt(3)],
    ['tanh', 'glorotUniform', 1],
    ['relu', 'glorotUniform', Math.SQRT2],
    ['relu', 'heNormal', 1],
    ['sigmoid', 'standardUniform', Math.sqrt(48)],
  ];
  for (const [activation, init, factor] of cases) {
    it(`${activation} with ${init}: ‖∂L/∂h‖ shrinks by ${factor.toFixed(3)} per square layer`, () => {
      const design = mlp(5, 64, activation, init);
      const decays = layerDecays(
        record(design, () => 1),
        design,
        analysisOf(design),
      );
      expect(decays.map((d) => `${d.id}→${d.next}`)).toEqual(['d1→d2', 'd2→d3', 'd3→d4', 'd4→d5', 'd5→out']);
      for (const d of decays.slice(0, -1)) expect(d.predicted).toBeCloseTo(factor, 12);
      // The output layer is linear and 64 → 3: its own closed form.
      const last = decays[decays.length - 1].predicted!;
      expect(last).toBeCloseTo(1 / Math.sqrt(fanInVariance({ name: init } as never, 64, 3)), 12);
    });
  }

  it('no closed form through batch normalization or for activations without one', () => {
    const gelu = mlp(3, 16, 'gelu', 'heNormal');
    expect(
      layerDecays(
        record(gelu, () => 1),
        gelu,
        analysisOf(gelu),
      )[0].predicted,
    ).toBeUndefined();
    const base = mlp(3, 16, 'relu', 'heNormal');
    const bn: Design = {
      ...base,
      graph: {
        nodes: [...base.graph.nodes, { id: 'bn', type: 'batchNormalization', params: {} }],
        edges: base.graph.edges
          .filter((e) => e.source !== 'd2')
          .concat([
            { id: 'x1', source: 'd2', target: 'bn' },
            { id: 'x2', source: 'bn', target: 'd3' },
          ]),
      },
    };
    const decays = layerDecays(
      record(bn, () => 1),
      bn,
      analysisOf(bn),
    );
    expect(decays.map((d) => [d.id, d.at, d.next])).toEqual([
      ['d1', 'd1', 'd2'],
      ['d2', 'bn', 'd3'],
      ['d3', 'd3', 'out'],
    ]);
    expect(decays[0].predicted).toBeUndefined(); // d2's unit holds the BN
    expect(decays[1].predicted).toBeCloseTo(1, 12); // d3 is fed straight by bn
  });

  it('writes whole squares as roots', () => {
    expect(closedFormText(Math.sqrt(3))).toBe('√3 ≈ 1.73');
    expect(closedFormText(Math.sqrt(48))).toBe('√48 ≈ 6.93');
    expect(closedFormText(1)).toBe('1.00');
    expect(closedFormText(1.2)).toBe('1.20');
  });
});

describe('describeInitFlow', () => {
  it('a 10-layer sigmoid net decaying as the closed form says: d1 will not learn', () => {
    const design = mlp(10, 64, 'sigmoid', 'standardUniform');
    const flow = describeInitFlow(
      record(design, (id) => Math.sqrt(48) ** -(11 - depth(id))),
      design,
      analysisOf(design),
    )!;
    expect(flow.ratio).toBeCloseTo(48 ** -4.5, 15);
    expect(flow.shrinkPerLayer).toBeCloseTo(Math.sqrt(48), 9);
    expect(flow.severity).toBe('error');
    expect(flow.text).toBe(
      "d1 gets 10⁻⁸ of d10's gradient at initialisation: it will not learn. Going back through d1–d10, " +
        '‖∂L/∂h‖ shrinks ×6.93 per layer (closed form for sigmoid with U[−1/√n, 1/√n]: √48 ≈ 6.93).',
    );
  });

  it('a flat He ReLU net: the gradient flows', () => {
    const design = mlp(6, 32, 'relu', 'heNormal');
    const flow = describeInitFlow(
      record(design, () => 0.5),
      design,
      analysisOf(design),
    )!;
    expect(flow.severity).toBe('ok');
    expect(flow.text).toBe(
      'd1 gets about as much gradient as d6 at initialisation: the gradient flows. Going back through d1–d6, ‖∂L/∂h‖ keeps its size, ×1.00 per layer (closed form for relu with He: 1.00).',
    );
  });

  it('a gradient that grows by less than half a percent per layer keeps its size, not "grows ×1.00"', () => {
    const design = mlp(6, 32, 'relu', 'randomNormal');
    const flow = describeInitFlow(
      record(design, (id) => 1.001 ** (11 - depth(id))),
      design,
      analysisOf(design),
    )!;
    expect(flow.text).toContain('‖∂L/∂h‖ keeps its size, ×1.00 per layer');
  });

  it('a gradient that grows towards the input is said to grow', () => {
    const design = mlp(6, 32, 'relu', 'randomNormal');
    const flow = describeInitFlow(
      record(design, (id) => 10 ** (11 - depth(id))),
      design,
      analysisOf(design),
    )!;
    expect(flow.severity).toBe('warning');
    expect(flow.text).toMatch(/^d1 gets 10⁵ times d6's gradient at initialisation: it grows on its way back/);
    expect(flow.text).toContain('‖∂L/∂h‖ grows ×10.00 per layer');
  });
});
