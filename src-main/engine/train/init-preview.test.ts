/**
 * The preview at initialisation is step 0: equal, statistic for statistic, to
 * the first telemetry record of a real run with the same design, seed and
 * data (on a batch drawn from a shuffled larger set, with dropout, batch
 * normalization and a stateful optimizer), within the gradient tests'
 * tolerance of the float64 reference, and decaying per layer as the closed
 * forms say on the Glorot & Bengio designs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Design } from '../../../src-shared/design/types';
import { describeInitFlow } from '../../../src-shared/diagnosis/decay';
import { analyzeGraph } from '../../../src-shared/graph';
import { stepRecord, type LayerInfo, type StepRecord } from '../../../src-shared/telemetry';
import { initBackend, type BackendPreference } from '../backend/backend';
import { tf } from '../backend/tf';
import type { LoadedData } from '../data/types';
import { buildNetwork, snapshotWeights } from '../model/network';
import { compareWithReference, type EngineStep } from '../reference/harness';
import { NETWORKS } from '../reference/networks';
import { mlpDesign, prepared, readExample } from '../test-support';
import { previewAtInit } from './init-preview';
import { createTrainer } from './trainer';

/** The first telemetry record of a real run. */
async function firstStep(design: Design, data: LoadedData, seed?: number): Promise<StepRecord> {
  let layers: LayerInfo[] = [];
  let record: StepRecord | null = null;
  const trainer = createTrainer({
    design,
    data,
    seed,
    telemetryEvery: 1,
    maxSteps: 1,
    onEvent: (event) => {
      if (event.type === 'train.onStarted') layers = event.layers;
      if (event.type === 'train.onStep') record ??= stepRecord(event, layers);
    },
  });
  try {
    await trainer.start();
  } finally {
    trainer.dispose();
  }
  if (!record) throw new Error('the run reported no step');
  return record;
}

function analysisOf(design: Design, data: LoadedData) {
  return analyzeGraph(design.graph, { outputUnits: data.outputUnits, dataInputShape: data.inputShape });
}

function previewRecord(design: Design, data: LoadedData, seed?: number): StepRecord {
  const preview = previewAtInit({ design, data, analysis: analysisOf(design, data), seed });
  return stepRecord(preview, preview.layers)!;
}

/** The preview with the weights it started from, for the reference harness. */
async function previewStep(design: Design, data: LoadedData): Promise<EngineStep> {
  const analysis = analysisOf(design, data);
  const network = buildNetwork(design, analysis, design.training.seed);
  const weights = snapshotWeights(network);
  network.dispose();
  return { record: previewRecord(design, data), weights };
}

/** A spiral MLP whose batch (16 of 90 training rows) depends on the shuffle. */
function shuffledMlp(overrides: Partial<Parameters<typeof mlpDesign>[0]> = {}): Design {
  return mlpDesign({ layers: 4, units: 12, activation: 'sigmoid', batchSize: 16, ...overrides });
}

/** The same MLP with dropout and batch normalization after the first layer. */
function withDropoutAndBatchNorm(design: Design): Design {
  const { nodes, edges } = design.graph;
  const extra = [
    { id: 'bn', type: 'batchNormalization' as const, params: {} },
    { id: 'dr', type: 'dropout' as const, params: { rate: 0.3 } },
  ];
  const rewired = edges.map((e) => (e.source === 'd1' ? { ...e, source: 'dr' } : e));
  return {
    ...design,
    graph: {
      nodes: [...nodes.slice(0, 2), ...extra, ...nodes.slice(2)] as Design['graph']['nodes'],
      edges: [
        ...rewired,
        { id: 'e-bn', source: 'd1', target: 'bn' },
        { id: 'e-dr', source: 'bn', target: 'dr' },
      ],
    },
  };
}

describe.each<BackendPreference>(['cpu', 'wasm'])('preview at initialisation (%s)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('equals step 0 of a real run exactly, on a shuffled batch', async () => {
    const { design, data } = await prepared(shuffledMlp());
    const preview = previewRecord(design, data);
    expect(preview).toEqual(await firstStep(design, data));
    // Not a vacuous equality: the sigmoid stack's gradient does shrink towards the input.
    const outGrad = (id: string) => preview.layers.find((l) => l.id === id)!.outGradNorm;
    expect(outGrad('d1')).toBeLessThan(outGrad('d4'));
  });

  it('equals step 0 with another seed, dropout, batch normalization and Adam', async () => {
    const design = withDropoutAndBatchNorm(shuffledMlp({ optimizer: 'adam', learningRate: 0.01 }));
    const { data } = await prepared(design, 99);
    const preview = previewRecord(design, data, 99);
    expect(preview).toEqual(await firstStep(design, data, 99));
    // The seed matters: another one draws other weights and another batch.
    expect(previewRecord(design, data, 98)).not.toEqual(preview);
  });

  it('leaves no tensor behind', async () => {
    const { design, data } = await prepared(shuffledMlp());
    previewRecord(design, data); // the backend's first use allocates what it keeps
    const before = tf.memory().numTensors;
    previewRecord(design, data);
    expect(tf.memory().numTensors).toBe(before);
  });

  // The closed forms (src-shared/diagnosis/decay.ts) on the experiments' own designs, within the
  // experiments' 20 %: Glorot's standard-init tanh shrinks by √3 per layer, Xavier keeps it flat.
  for (const [file, factor] of [
    ['glorot-tanh-standard.backflow.json', Math.sqrt(3)],
    ['glorot-tanh-xavier.backflow.json', 1],
  ] as const) {
    it(`decays per layer as the closed form says: ${file}`, async () => {
      const { design, data, analysis } = await prepared(readExample(file));
      const flow = describeInitFlow(previewRecord(design, data), design, analysis)!;
      expect(flow.predictedPerLayer).toBeCloseTo(factor, 9);
      expect(Math.abs(flow.shrinkPerLayer / factor - 1)).toBeLessThan(0.2);
    });
  }

  // The reference's own network set: the preview meets the float64 reference on every one.
  for (const [name, design, data] of NETWORKS) {
    it(`matches the float64 reference: ${name}`, async () => {
      expect(await compareWithReference(design, data, undefined, previewStep)).toEqual([]);
    });
  }
});
