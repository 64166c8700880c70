/**
 * Test harness: builds a tiny design and data set, runs the real trainer for
 * one step with telemetry, and compares every layer's statistics with the
 * float64 reference. Discrepancies are returned as readable lines rather than
 * thrown one at a time, so a failing test shows everything that is off.
 */
import type { Design, DesignEdge, DesignNode } from '../../../src-shared/design/types';
import { activationOf } from '../../../src-shared/layers';
import { SATURATION_THRESHOLD } from '../../../src-shared/layers/activations';
import { stepRecord, type LayerInfo, type StepRecord } from '../../../src-shared/telemetry';
import type { LoadedData } from '../data/types';
import { snapshotWeights } from '../model/network';
import { createTrainer } from '../train/trainer';
import * as fd from './finite-difference';
import { referenceForward, referenceModel } from './network';
import type { T } from './ops';

/** A design around `nodes` and `edges`, trained by plain SGD on one full batch of `batchSize`. */
export function tinyDesign(
  nodes: DesignNode[],
  edges: DesignEdge[],
  batchSize: number,
  learningRate = 0.1,
): Design {
  return {
    format: 'backflow.design',
    formatVersion: 1,
    name: 'reference check',
    graph: { nodes, edges },
    data: { source: 'builtin', name: 'spiral' },
    training: { optimizer: 'sgd', learningRate, batchSize, epochs: 1, seed: 11 },
  };
}

/** A chain of nodes `[id, type, params]`, edges in order. */
export function chainDesign(
  batchSize: number,
  ...specs: (readonly [string, DesignNode['type'], object?])[]
): Design {
  const nodes = specs.map(([id, type, params]) => ({
    id,
    type,
    params: (params ?? {}) as DesignNode['params'],
  }));
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }));
  return tinyDesign(nodes, edges, batchSize);
}

/** Deterministic uniform numbers in [0, 1) (mulberry32), so the data never depends on the engine's PRNG. */
function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link tinyData}. */
export interface TinyDataOptions {
  n: number;
  inputShape: number[];
  outputUnits: number;
  task?: 'classification' | 'regression';
  /** Features are uniform in [−scale, scale]. */
  scale?: number;
  seed?: number;
}

/** A hand-built LoadedData: random features, one-hot classes or random regression targets. */
export function tinyData(options: TinyDataOptions): LoadedData {
  const { n, inputShape, outputUnits, task = 'classification', scale = 1, seed = 5 } = options;
  const random = stream(seed);
  const features = inputShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: n * features }, () => (2 * random() - 1) * scale);
  const y = new Float32Array(n * outputUnits);
  for (let r = 0; r < n; r++) {
    if (task === 'classification') y[r * outputUnits + (r % outputUnits)] = 1;
    else for (let k = 0; k < outputUnits; k++) y[r * outputUnits + k] = 2 * random() - 1;
  }
  return { train: { x, y, n }, validation: null, inputShape, outputUnits, task, normalization: null };
}

/** The engine's step-0 telemetry and the weights it started from. */
export interface EngineStep {
  record: StepRecord;
  weights: Map<string, { shape: number[]; values: Float32Array }>;
}

/** Runs one telemetry step of the real trainer on the currently active backend. */
export async function engineStep(design: Design, data: LoadedData): Promise<EngineStep> {
  let layers: LayerInfo[] = [];
  let record: StepRecord | undefined;
  const trainer = createTrainer({
    design,
    data,
    telemetryEvery: 1,
    maxSteps: 1,
    onEvent: (event) => {
      if (event.type === 'train.onStarted') layers = event.layers;
      if (event.type === 'train.onStep') record = stepRecord(event, layers) ?? record;
    },
  });
  try {
    const weights = snapshotWeights(trainer.network);
    await trainer.start();
    if (!record) throw new Error(`no telemetry step (state ${trainer.state()})`);
    return { record, weights };
  } finally {
    trainer.dispose();
  }
}

/** Data of a LoadedData split as float64 tensors. */
export function dataTensors(data: LoadedData): { x: T; y: T } {
  const { n } = data.train;
  return {
    x: { shape: [n, ...data.inputShape], data: Float64Array.from(data.train.x) },
    y: { shape: [n, data.outputUnits], data: Float64Array.from(data.train.y) },
  };
}

function close(engine: number | null, expected: number, rtol: number, atol: number): boolean {
  return engine !== null && Math.abs(engine - expected) <= atol + rtol * Math.abs(expected);
}

/** Tolerances of {@link compareWithReference}. */
export interface Tolerance {
  /** Relative tolerance on gradient norms and magnitudes. */
  rtol: number;
  /** Absolute tolerance on activation statistics (float32 forward pass). */
  atol: number;
}

/**
 * Runs `design` on the engine and on the reference and lists every statistic
 * that disagrees (empty when all agree), as `layer.field: engine X, reference Y`.
 * `step` computes the engine's side (default: a real trainer's first step).
 */
export async function compareWithReference(
  design: Design,
  data: LoadedData,
  tolerance: Tolerance = { rtol: 1e-3, atol: 1e-5 },
  step: (design: Design, data: LoadedData) => Promise<EngineStep> = engineStep,
): Promise<string[]> {
  const { record, weights } = await step(design, data);
  const { x, y } = dataTensors(data);
  const model = referenceModel(design, weights, x, y);
  const forward = referenceForward(model);
  const problems: string[] = [];
  const check = (what: string, engine: number | null, expected: number, rtol = tolerance.rtol, atol = 0) => {
    if (!close(engine, expected, rtol, atol))
      problems.push(`${what}: engine ${engine}, reference ${expected}`);
  };
  check('loss', record.loss, forward.loss, 1e-5);
  const lr = design.training.learningRate;
  for (const layer of record.layers) {
    const node = model.nodes.find((n) => n.id === layer.id)!;
    const at = (field: string) => `${layer.id}.${field}`;
    const outGrad = fd.outputGradient(model, layer.id);
    check(at('outGradNorm'), layer.outGradNorm, fd.norm(outGrad));
    const measured = ['kernel', 'gamma'].map((r) => `${layer.id}/${r}`).find((k) => model.weights.has(k));
    if (measured) {
      const g = fd.summarize(fd.weightGradient(model, measured));
      check(at('gradNorm'), layer.gradNorm, g.norm);
      check(at('gradMeanAbs'), layer.gradMeanAbs, g.meanAbs);
      check(at('gradMaxAbs'), layer.gradMaxAbs, g.maxAbs);
      // Plain SGD: the step is −lr·g, so ‖ΔW‖/‖W‖ = lr·‖g‖/‖W‖ with W before the update.
      check(at('updateRatio'), layer.updateRatio, (lr * g.norm) / fd.norm(model.weights.get(measured)!));
      const mismatch = layer.gradHistogram ? fd.histogramMismatch(layer.gradHistogram, g) : 'missing';
      if (mismatch) problems.push(`${at('gradHistogram')}: ${mismatch}`);
    } else if (layer.gradNorm !== null) {
      problems.push(`${at('gradNorm')}: engine ${layer.gradNorm} for a layer without kernel`);
    }
    const { mean, std } = fd.moments(forward.outputs.get(layer.id)!.data);
    check(at('activationMean'), layer.activationMean, mean, 1e-4, tolerance.atol);
    check(at('activationStd'), layer.activationStd, std, 1e-4, tolerance.atol);
    // Fractions are exact counts over the same float32 pre-activations; 1e-6 covers their float32 storage.
    const activation = activationOf(node);
    const z = forward.pre.get(layer.id);
    if (activation === 'sigmoid' || activation === 'tanh') {
      check(
        at('saturatedFraction'),
        layer.saturatedFraction,
        fd.saturatedFraction(z!.data, SATURATION_THRESHOLD[activation]),
        1e-6,
      );
    } else if (layer.saturatedFraction !== null) {
      problems.push(
        `${at('saturatedFraction')}: engine ${layer.saturatedFraction} for ${activation ?? layer.type}`,
      );
    }
    if (activation && ['relu', 'leakyRelu', 'elu', 'selu'].includes(activation)) {
      check(at('deadFraction'), layer.deadFraction, fd.deadFraction(z!.data, x.shape[0]), 1e-6);
    } else if (layer.deadFraction !== null) {
      problems.push(`${at('deadFraction')}: engine ${layer.deadFraction} for ${activation ?? layer.type}`);
    }
  }
  return problems;
}
