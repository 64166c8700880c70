/**
 * One training step: forward, backward, optional telemetry, the finiteness
 * check and the update, with a single read-back from the backend.
 */
import type { OptimizerName } from '../../../src-shared/design/types';
import type { LossName } from '../../../src-shared/layers';
import { readFloats, readFloatsAsync } from '../backend/readback';
import { scoped, shareData } from '../backend/scope';
import { tf, type Tensor } from '../backend/tf';
import { sumOfSquaresOnHeap } from '../model/layer-kernels';
import { throwIfInterrupted } from '../model/interrupt';
import { clearObservers } from '../model/observers';
import { forward, type ForwardResult } from '../model/forward';
import { accuracy, computeLoss } from '../model/loss';
import type { Network } from '../model/network';
import type { LayerObservation } from '../telemetry/observation';
import { computeLayerStats } from '../telemetry/stats';
import { edgeKey, flowTerms } from './merge-flows';
import type { Optimizer } from './optimizers';

export interface StepContext {
  network: Network;
  optimizer: Optimizer;
  loss: LossName;
  classification: boolean;
  /** Global-norm clipping threshold; 0 disables. */
  clipNorm: number;
  optimizerName: OptimizerName;
  learningRate: number;
}

export interface StepOutcome {
  loss: number;
  accuracy: number | null;
  /** L2 norm of all weight gradients together (before clipping). */
  gradNorm: number;
  /** Per-layer stats for the nodes after the input, in network order, when telemetry was asked for. */
  stats?: Float32Array;
  /** False when the loss or a gradient was NaN/Inf: nothing was updated. */
  finite: boolean;
}

/**
 * Trains on one batch. With `telemetry`, every layer reports ∂loss/∂output
 * during the backward pass (dense and add layers from their own gradient,
 * the others through an identity tap), and the layer statistics are
 * computed on the backend. Everything read back travels in one transfer; the
 * update is committed only if it is finite.
 */
export function trainingStep(
  context: StepContext,
  x: Tensor,
  y: Tensor,
  options: { telemetry: boolean; dropoutSeed: number },
): StepOutcome {
  const pending = beginStep(context, x, y, options);
  let readback: Float32Array;
  try {
    readback = readFloats(pending.readable);
  } catch (error) {
    pending.abandon();
    throw error;
  }
  return pending.settle(readback);
}

/**
 * {@link trainingStep} for a backend that reads only asynchronously (WebGPU):
 * the same computation, with the one read-back awaited between the backward
 * pass and the update.
 */
export async function trainingStepAsync(
  context: StepContext,
  x: Tensor,
  y: Tensor,
  options: { telemetry: boolean; dropoutSeed: number },
): Promise<StepOutcome> {
  return (await readStep(beginStep(context, x, y, options)))();
}

/**
 * Awaits a begun step's read-back and returns the function that settles it (commit or refuse).
 * Split so a caller can begin the step under its interruption check and settle it after.
 */
export async function readStep(pending: PendingStep): Promise<() => StepOutcome> {
  let readback: Float32Array;
  try {
    readback = await readFloatsAsync(pending.readable);
  } catch (error) {
    pending.abandon();
    throw error;
  }
  return () => pending.settle(readback);
}

/** A step computed up to its read-back: nothing is committed until `settle`. */
export interface PendingStep {
  /** The scalars (and with telemetry the statistics after them): the one tensor to read. */
  readable: Tensor;
  /** Commits the update if the values read are finite, frees the step's tensors, and says what happened. */
  settle(readback: Float32Array): StepOutcome;
  /** Frees the step's tensors without committing (the read failed). */
  abandon(): void;
}

/** Forward, backward, statistics and the proposed update; may throw when interrupted (nothing kept then). */
export function beginStep(
  context: StepContext,
  x: Tensor,
  y: Tensor,
  options: { telemetry: boolean; dropoutSeed: number },
): PendingStep {
  const { network, optimizer } = context;
  const variables = network.weights.map((w) => w.variable);
  const observed = network.nodes.map((_, i) => i).filter((i) => i !== network.inputIndex);
  const kept: Tensor[] = [];
  const keep = <T extends Tensor | undefined>(t: T): T => {
    // The caller owns x; only tensors made inside the step are kept and freed here.
    if (t && t !== x) kept.push(tf.keep(t));
    return t;
  };
  const outputGrads = new Array<Tensor | undefined>(network.nodes.length);
  // ∂loss/∂output arrives during the backward pass, and tfjs may dispose that
  // tensor object when it sums it into another gradient: keep a second tensor
  // on its data (nothing is copied).
  const observeOutputGradient = options.telemetry
    ? (nodeIndex: number, dy: Tensor) => void (outputGrads[nodeIndex] = keep(shareData(dy)))
    : undefined;
  // What a residual branch's first layers hand back to their block input (merge-flows.ts).
  const inputGrads = new Map<number, Tensor>();
  const observeInputGradient = options.telemetry
    ? (nodeIndex: number, slot: number, dy: Tensor) =>
        void inputGrads.set(edgeKey(nodeIndex, slot), keep(shareData(dy)))
    : undefined;
  try {
    return scoped((): PendingStep => {
      let result: ForwardResult | undefined;
      const lossFunction = (...args: Tensor[]): Tensor => {
        const input = args[variables.length] ?? x;
        result = forward(network, input, args.slice(0, variables.length), {
          training: true,
          observeOutputGradient,
          observeInputGradient,
          dropoutSeed: options.dropoutSeed,
        });
        // Telemetry reads every layer's output; a plain step needs only the logits (accuracy).
        if (options.telemetry) result.outputs.forEach(keep);
        else keep(result.outputs[network.outputIndex]);
        result.batchStats.forEach((s) => (keep(s.mean), keep(s.variance)));
        return computeLoss(context.loss, result.outputs[network.outputIndex], y);
      };
      // With telemetry the input joins the differentiated arguments when some
      // layer precedes every weight: otherwise the gradient would stop short of
      // it and its tap would observe nothing.
      const args = options.telemetry && precedesEveryWeight(network) ? [...variables, x] : variables;
      const { value: loss, grads } = tf.valueAndGrads(lossFunction)(args);
      const forwardResult = result!;
      const weightGrads = grads.slice(0, variables.length);
      const squaredNorm = sumOfSquares(weightGrads);
      // Frozen weights (trainable: false) get a zero gradient, so every optimizer's step for
      // them is exactly 0 (their slots start and stay at 0) and clipping ignores them;
      // telemetry still reads their true gradient from weightGrads.
      const frozen = network.weights.some((w) => !w.trainable);
      const updatable = frozen
        ? weightGrads.map((g, i) => (network.weights[i].trainable ? g : tf.zerosLike(g)))
        : weightGrads;
      const clipSquared = frozen ? sumOfSquares(updatable) : squaredNorm;
      const clipScale =
        context.clipNorm > 0
          ? tf.div(context.clipNorm, tf.maximum(tf.sqrt(clipSquared), context.clipNorm))
          : undefined;
      const applied = clipScale ? scaleAll(updatable, clipScale) : updatable;
      const proposal = optimizer.propose(variables, applied);
      // The last place a pause or stop may cut the step short: nothing is committed before the
      // read-back, and the statistics that follow take a few milliseconds on a large network.
      throwIfInterrupted();
      const logits = forwardResult.outputs[network.outputIndex];
      const scalars = tf.stack([
        loss,
        context.classification ? accuracy(logits, y) : tf.scalar(NaN),
        squaredNorm,
      ]);
      let readable = scalars;
      if (options.telemetry) {
        const observations: LayerObservation[] = observed.map((nodeIndex) => {
          const node = network.nodes[nodeIndex];
          const measured = node.measuredWeight;
          const output = forwardResult.outputs[nodeIndex];
          return {
            weightGrad: measured === undefined ? undefined : weightGrads[measured],
            weight: measured === undefined ? undefined : variables[measured],
            weightStep: measured === undefined ? undefined : proposal.steps[measured],
            outputGrad: outputGrads[nodeIndex],
            output,
            activation: node.activation,
          };
        });
        // The SGD shortcut assumes every weight steps by −lr·g; frozen ones do not move.
        const sgdStep =
          context.optimizerName === 'sgd' && !frozen
            ? clipScale
              ? tf.mul(clipScale, context.learningRate)
              : context.learningRate
            : undefined;
        // The scalars lead the statistics, so one read-back brings both.
        readable = computeLayerStats(observations, {
          stepIsScaledGradient: sgdStep,
          leading: scalars,
          flows: flowTerms(network, outputGrads, inputGrads),
        });
      }
      // What the read-back and the update need outlives this scope; the rest is freed with it.
      keep(readable);
      [...proposal.values, ...proposal.steps, ...proposal.state].forEach(keep);
      const release = () => {
        tf.dispose(kept);
        kept.length = 0;
      };
      return {
        readable,
        abandon: release,
        settle: (readback) => {
          const [lossValue, accuracyValue, squared] = readback;
          const finite = Number.isFinite(lossValue) && Number.isFinite(squared);
          try {
            scoped(() => {
              if (finite) {
                optimizer.commit(variables, proposal);
                updateMovingStats(network, forwardResult);
              }
            });
          } finally {
            release();
          }
          return {
            loss: lossValue,
            accuracy: context.classification ? accuracyValue : null,
            gradNorm: Math.sqrt(squared),
            // A view, not a copy: a second typed-array allocation per step costs more than all of
            // this layer arithmetic once V8 has a training run's garbage to manage.
            stats: options.telemetry ? readback.subarray(scalars.size) : undefined,
            finite,
          };
        },
      };
    });
  } catch (error) {
    tf.dispose(kept);
    throw error;
  } finally {
    clearObservers();
  }
}

const PRECEDES_EVERY_WEIGHT = new WeakMap<Network, boolean>();

/**
 * True when some node (but the input) has no weight in itself or upstream, or
 * a residual branch leaves from the input itself (its tap needs the gradient
 * to reach the input).
 */
function precedesEveryWeight(network: Network): boolean {
  let found = PRECEDES_EVERY_WEIGHT.get(network);
  if (found === undefined) {
    const branchFromInput = network.merges.some(
      (m) =>
        m.fork === network.inputIndex &&
        m.entries.some((edges) => edges?.some((e) => e.consumer !== m.merge)),
    );
    // Nodes are in topological order, so inputs are settled before their consumers.
    const weighted: boolean[] = [];
    network.nodes.forEach((node, i) => {
      weighted[i] = node.weights.length > 0 || node.inputs.some((input) => weighted[input]);
    });
    found = branchFromInput || network.nodes.some((_, i) => i !== network.inputIndex && !weighted[i]);
    PRECEDES_EVERY_WEIGHT.set(network, found);
  }
  return found;
}

function scaleAll(tensors: Tensor[], factor: Tensor): Tensor[] {
  return tensors.map((t) => tf.mul(t, factor));
}

/** Keras's moving averages: moving ← momentum · moving + (1 − momentum) · batch. Frozen nodes have no batch stats. */
function updateMovingStats(network: Network, result: ForwardResult): void {
  result.batchStats.forEach((batch) => {
    const moving = network.movingStats.find((m) => m.nodeId === batch.nodeId)!;
    const m = moving.momentum;
    moving.mean.assign(tf.add(tf.mul(moving.mean, m), tf.mul(batch.mean, 1 - m)));
    moving.variance.assign(tf.add(tf.mul(moving.variance, m), tf.mul(batch.variance, 1 - m)));
  });
}

/** Σ g² over every value of every tensor (the global gradient norm, squared), as a scalar. */
function sumOfSquares(tensors: readonly Tensor[]): Tensor {
  return sumOfSquaresOnHeap(tensors) ?? tf.sum(tf.square(tf.concat(tensors.map((g) => tf.reshape(g, [-1])))));
}
