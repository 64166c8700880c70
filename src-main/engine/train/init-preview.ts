/**
 * The gradient at initialisation: step 0 of a run, computed without starting
 * one. The network is built from the same seed, the batch is the first of
 * epoch 0's order, and the step is the trainer's own `trainingStep` with
 * telemetry, so every statistic equals the first telemetry record of a real
 * run with the same design, seed and data, bit for bit. The update the step
 * proposes (its update/weight ratio is part of the record) goes nowhere: the
 * network is freed afterwards.
 */
import type { Design } from '../../../src-shared/design/types';
import type { GraphAnalysis } from '../../../src-shared/graph';
import type { InitPreview } from '../../../src-shared/protocol';
import { tf } from '../backend/tf';
import { gatherBatch } from '../data/batch';
import type { LoadedData } from '../data/types';
import { buildNetwork, type WeightValues } from '../model/network';
import { trainingStep, trainingStepAsync, type StepOutcome } from './step';
import { createStepContext, epochOrder, observedLayers, runBatchSize, stepDropoutSeed } from './trainer';

/** What {@link previewAtInit} needs: what a run of the design would be started with. */
export interface InitPreviewOptions {
  design: Design;
  data: LoadedData;
  /** The design's graph analysis with this data's shapes (prepareRun's). */
  analysis: GraphAnalysis;
  /** Overrides design.training.seed. */
  seed?: number;
  /** Pretrained weights, as a run would start from them (see buildNetwork). */
  initialWeights?: WeightValues;
}

/**
 * Step 0's loss and per-layer statistics (packed as telemetry) at the initial
 * weights. Throws only where a run's first step would (a design the graph rules
 * refuse; callers prepare it first). A non-finite step is reported as it is:
 * the statistics of an exploding initialisation are what the user wants to see.
 */
export function previewAtInit(options: InitPreviewOptions): InitPreview {
  const setup = previewSetup(options);
  try {
    return setup.result(trainingStep(setup.context, setup.x, setup.y, setup.stepOptions));
  } finally {
    setup.dispose();
  }
}

/** {@link previewAtInit} on a backend that reads only asynchronously (WebGPU). */
export async function previewAtInitAsync(options: InitPreviewOptions): Promise<InitPreview> {
  const setup = previewSetup(options);
  try {
    return setup.result(await trainingStepAsync(setup.context, setup.x, setup.y, setup.stepOptions));
  } finally {
    setup.dispose();
  }
}

/** The network, step context and first batch of a preview, what to report of its step, and how to free it all. */
function previewSetup(options: InitPreviewOptions) {
  const { design, data, analysis } = options;
  const seed = options.seed ?? design.training.seed;
  const network = buildNetwork(design, analysis, seed, { initialWeights: options.initialWeights });
  const context = createStepContext(design, data, network);
  const batchSize = runBatchSize(design, data);
  const rows = epochOrder(seed, data.train.n, 0).subarray(0, batchSize);
  const { x, y } = gatherBatch(data.train, rows, data.inputShape);
  return {
    context,
    x,
    y,
    stepOptions: { telemetry: true, dropoutSeed: stepDropoutSeed(seed, 0) },
    result: (outcome: StepOutcome): InitPreview => ({
      step: 0,
      epoch: 0,
      loss: outcome.loss,
      accuracy: outcome.accuracy,
      // A copy: the step's stats are a view of the engine's shared read-back slab.
      stats: outcome.stats!.slice(),
      layers: observedLayers(network),
      seed,
      batchSize,
    }),
    dispose: () => {
      tf.dispose([x, y]);
      context.optimizer.dispose();
      network.dispose();
    },
  };
}
