/** Loss and accuracy of a network over a whole split, in inference mode. */
import type { LossName } from '../../../src-shared/layers';
import { scoped } from '../backend/scope';
import { tf } from '../backend/tf';
import { forward } from '../model/forward';
import { accuracy, computeLoss } from '../model/loss';
import type { Network } from '../model/network';
import type { Split } from '../data/types';
import { gatherBatch } from '../data/batch';

/** Rows per forward pass: large enough to be fast, small enough for MNIST on a laptop. */
const EVALUATION_BATCH = 512;

/** Batch-weighted mean loss and accuracy (null for regression) over `split`. */
export function evaluate(
  network: Network,
  split: Split,
  inputShape: number[],
  loss: LossName,
  classification: boolean,
): { loss: number; accuracy: number | null } {
  const sums = { loss: 0, correct: 0 };
  for (let start = 0; start < split.n; start += EVALUATION_BATCH) {
    const batch = batchLossAndAccuracy(network, split, inputShape, loss, classification, start);
    try {
      accumulate(sums, batch.values.dataSync(), batch.count);
    } finally {
      batch.values.dispose();
    }
  }
  return mean(sums, split.n, classification);
}

/** {@link evaluate} on a backend that reads only asynchronously (WebGPU). */
export async function evaluateAsync(
  network: Network,
  split: Split,
  inputShape: number[],
  loss: LossName,
  classification: boolean,
): Promise<{ loss: number; accuracy: number | null }> {
  const sums = { loss: 0, correct: 0 };
  for (let start = 0; start < split.n; start += EVALUATION_BATCH) {
    const batch = batchLossAndAccuracy(network, split, inputShape, loss, classification, start);
    try {
      accumulate(sums, await batch.values.data(), batch.count);
    } finally {
      batch.values.dispose();
    }
  }
  return mean(sums, split.n, classification);
}

/** [loss, accuracy] of the batch of rows from `start`, as a tensor the caller disposes. */
function batchLossAndAccuracy(
  network: Network,
  split: Split,
  inputShape: number[],
  loss: LossName,
  classification: boolean,
  start: number,
) {
  const count = Math.min(EVALUATION_BATCH, split.n - start);
  const rows = Int32Array.from({ length: count }, (_, i) => start + i);
  const { x, y } = gatherBatch(split, rows, inputShape);
  try {
    const values = scoped(() => {
      const weights = network.weights.map((w) => w.variable);
      const logits = forward(network, x, weights, { training: false }).outputs[network.outputIndex];
      const acc = classification ? accuracy(logits, y) : tf.scalar(0);
      return tf.keep(tf.stack([computeLoss(loss, logits, y), acc]));
    });
    return { values, count };
  } finally {
    tf.dispose([x, y]);
  }
}

function accumulate(sums: { loss: number; correct: number }, values: ArrayLike<number>, count: number) {
  sums.loss += values[0] * count;
  sums.correct += values[1] * count;
}

function mean(sums: { loss: number; correct: number }, n: number, classification: boolean) {
  return { loss: sums.loss / n, accuracy: classification ? sums.correct / n : null };
}
