/**
 * The gradient-flow norms of merge layers (pathGradNorms, inputGradNorms)
 * against float64 finite differences of the reference loss: the gradient
 * that reaches the block input along one path is ∂L/∂(block input) with the
 * perturbation seen only by that path's first edges. Plus the closed forms: a
 * branch whose last kernel is zero hands back exactly nothing, so the skip
 * carries all of it, and the skip's share is then ∂L/∂(add output) itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design, DesignNode } from '../../../src-shared/design/types';
import type { LayerTelemetry } from '../../../src-shared/telemetry';
import { initBackend, type BackendPreference } from '../backend/backend';
import { createTrainer } from '../train/trainer';
import * as fd from './finite-difference';
import { compareWithReference, dataTensors, engineStep, tinyData, tinyDesign } from './harness';
import { referenceModel } from './network';

const N = 4;
const node = (id: string, type: DesignNode['type'], params: object = {}): DesignNode => ({
  id,
  type,
  params: params as DesignNode['params'],
});
const edge = (source: string, target: string, targetHandle?: string) => ({
  id: `${source}-${target}-${targetHandle ?? ''}`,
  source,
  target,
  ...(targetHandle ? { targetHandle } : {}),
});
const data = (features = 3) => tinyData({ n: N, inputShape: [features], outputUnits: 3, scale: 1.5 });

/** A reader edge: node `node` reads the perturbed tensor in input slot `slot`. */
type Reader = { node: string; slot: number };

/** A design, its merge node, the block input, and per input the edges that carry its path. */
interface FlowCase {
  name: string;
  design: Design;
  merge: string;
  fork: string;
  paths: (Reader[] | null)[];
  features?: number;
}

const sigmoid = (units: number, extra: object = {}) => ({ units, activation: 'sigmoid', ...extra });

const CASES: FlowCase[] = [
  {
    name: 'identity skip around a two-layer sigmoid branch',
    design: tinyDesign(
      [
        node('in', 'input', { shape: [3] }),
        node('d0', 'dense', { units: 4, activation: 'tanh' }),
        node('b1', 'dense', sigmoid(4)),
        node('b2', 'dense', sigmoid(4)),
        node('sum', 'add'),
        node('out', 'output'),
      ],
      [
        edge('in', 'd0'),
        edge('d0', 'b1'),
        edge('b1', 'b2'),
        edge('d0', 'sum', 'in0'),
        edge('b2', 'sum', 'in1'),
        edge('sum', 'out'),
      ],
      N,
    ),
    merge: 'sum',
    fork: 'd0',
    paths: [[{ node: 'sum', slot: 0 }], [{ node: 'b1', slot: 0 }]],
  },
  {
    name: 'projection shortcut (both paths have a layer), skip wired second',
    design: tinyDesign(
      [
        node('in', 'input', { shape: [3] }),
        node('d0', 'dense', { units: 4, activation: 'relu' }),
        node('p', 'dense', { units: 2 }),
        node('b1', 'dense', sigmoid(2)),
        node('sum', 'add'),
        node('out', 'output'),
      ],
      [
        edge('in', 'd0'),
        edge('d0', 'p'),
        edge('d0', 'b1'),
        edge('b1', 'sum', 'in0'),
        edge('p', 'sum', 'in1'),
        edge('sum', 'out'),
      ],
      N,
    ),
    merge: 'sum',
    fork: 'd0',
    paths: [[{ node: 'b1', slot: 0 }], [{ node: 'p', slot: 0 }]],
  },
  {
    name: 'a residual block on the network input itself',
    design: tinyDesign(
      [
        node('in', 'input', { shape: [3] }),
        node('b1', 'dense', sigmoid(3)),
        node('sum', 'add'),
        node('out', 'output'),
      ],
      [edge('in', 'b1'), edge('in', 'sum', 'in0'), edge('b1', 'sum', 'in1'), edge('sum', 'out')],
      N,
    ),
    merge: 'sum',
    fork: 'in',
    paths: [[{ node: 'sum', slot: 0 }], [{ node: 'b1', slot: 0 }]],
  },
  {
    name: 'concatenate of the block input and a branch',
    design: tinyDesign(
      [
        node('in', 'input', { shape: [3] }),
        node('d0', 'dense', { units: 4, activation: 'tanh' }),
        node('c1', 'dense', { units: 2, activation: 'elu' }),
        node('cat', 'concatenate'),
        node('out', 'output'),
      ],
      [
        edge('in', 'd0'),
        edge('d0', 'c1'),
        edge('c1', 'cat', 'in0'),
        edge('d0', 'cat', 'in1'),
        edge('cat', 'out'),
      ],
      N,
    ),
    merge: 'cat',
    fork: 'd0',
    paths: [[{ node: 'c1', slot: 0 }], [{ node: 'cat', slot: 1 }]],
  },
  {
    name: 'a branch layer that also feeds a later layer (its path share is not measurable)',
    design: tinyDesign(
      [
        node('in', 'input', { shape: [3] }),
        node('d0', 'dense', { units: 4, activation: 'tanh' }),
        node('b1', 'dense', sigmoid(4)),
        node('sum', 'add'),
        node('d3', 'dense', sigmoid(4)),
        node('cat', 'concatenate'),
        node('out', 'output'),
      ],
      [
        edge('in', 'd0'),
        edge('d0', 'b1'),
        edge('d0', 'sum', 'in0'),
        edge('b1', 'sum', 'in1'),
        edge('sum', 'd3'),
        edge('d3', 'cat', 'in0'),
        edge('b1', 'cat', 'in1'),
        edge('cat', 'out'),
      ],
      N,
    ),
    merge: 'sum',
    fork: 'd0',
    paths: [[{ node: 'sum', slot: 0 }], null],
  },
];

function layer(record: { layers: LayerTelemetry[] }, id: string): LayerTelemetry {
  return record.layers.find((l) => l.id === id)!;
}

const close = (engine: number | null | undefined, expected: number, rtol = 1e-3) =>
  engine !== null && engine !== undefined && Math.abs(engine - expected) <= rtol * Math.abs(expected) + 1e-9;

describe.each<BackendPreference>(['cpu', 'wasm'])(
  'merge gradient flow vs float64 reference (%s)',
  (backend) => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    for (const c of CASES) {
      it(c.name, async () => {
        const d = data(c.features);
        const { record, weights } = await engineStep(c.design, d);
        const { x, y } = dataTensors(d);
        const model = referenceModel(c.design, weights, x, y);
        const merge = layer(record, c.merge);
        expect(merge.pathGradNorms).toHaveLength(c.paths.length);
        c.paths.forEach((readers, i) => {
          const engine = merge.pathGradNorms![i];
          if (!readers) return expect(engine).toBeNull();
          const expected = fd.norm(fd.edgeGradient(model, c.fork, readers));
          expect(expected).toBeGreaterThan(1e-6);
          expect(close(engine, expected), `input ${i}: engine ${engine}, reference ${expected}`).toBe(true);
        });
        if (c.design.graph.nodes.find((n) => n.id === c.merge)!.type === 'concatenate') {
          // Each input's slice of ∂L/∂output, in input order.
          const g = fd.outputGradient(model, c.merge);
          const widths = c.design.graph.edges
            .filter((e) => e.target === c.merge)
            .sort((a, b) => a.targetHandle!.localeCompare(b.targetHandle!))
            .map((e) => model.nodes.find((n) => n.id === e.source)!)
            .map((n) => (n.type === 'dense' ? n.params.units : 0));
          const total = widths.reduce((a, b) => a + b, 0);
          let begin = 0;
          widths.forEach((w, i) => {
            const slice = Array.from({ length: N }, (_, r) =>
              Array.from(g.subarray(r * total + begin, r * total + begin + w)),
            ).flat();
            begin += w;
            const expected = fd.norm(slice);
            const engine = merge.inputGradNorms![i];
            expect(close(engine, expected), `slice ${i}: engine ${engine}, reference ${expected}`).toBe(true);
          });
        } else {
          expect(merge.inputGradNorms).toBeUndefined();
        }
        // The taps on the branches' edges change nothing else the engine reports.
        expect(await compareWithReference(c.design, d)).toEqual([]);
      });
    }

    it('a branch whose last kernel is zero (its bias starts at zero) passes no gradient: the skip carries all of it', async () => {
      const base = CASES[0].design;
      const design: Design = {
        ...base,
        graph: {
          ...base.graph,
          nodes: base.graph.nodes.map((n) =>
            n.id === 'b2' ? node('b2', 'dense', sigmoid(4, { kernelInitializer: 'zeros' })) : n,
          ),
        },
      };
      const { record } = await engineStep(design, data());
      const sum = layer(record, 'sum');
      expect(sum.pathGradNorms![1]).toBe(0);
      // The identity path hands the block input ∂L/∂(add output) unchanged.
      expect(sum.pathGradNorms![0]).toBeGreaterThan(0);
      expect(close(sum.pathGradNorms![0], sum.outGradNorm, 1e-6)).toBe(true);
    });

    it('names the block input and the sources of each merge in the run’s layer list', () => {
      const trainer = createTrainer({
        design: CASES[1].design,
        data: data(),
        telemetryEvery: 0,
        onEvent: () => {},
      });
      try {
        expect(trainer.layers.find((l) => l.id === 'sum')!.merge).toEqual({
          fork: 'd0',
          sources: ['b1', 'p'],
        });
        expect(trainer.layers.find((l) => l.id === 'p')!.merge).toBeUndefined();
      } finally {
        trainer.dispose();
      }
    });
  },
);
