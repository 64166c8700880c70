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
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < split.n; start += EVALUATION_BATCH) {
    const count = Math.min(EVALUATION_BATCH, split.n - start);
    const rows = Int32Array.from({ length: count }, (_, i) => start + i);
    const { x, y } = gatherBatch(split, rows, inputShape);
    const [l, a] = scoped(() => {
      const weights = network.weights.map((w) => w.variable);
      const logits = forward(network, x, weights, { training: false }).outputs[network.outputIndex];
      const acc = classification ? accuracy(logits, y) : tf.scalar(0);
      return tf.stack([computeLoss(loss, logits, y), acc]).dataSync();
    });
    tf.dispose([x, y]);
    lossSum += l * count;
    correct += a * count;
  }
  return { loss: lossSum / split.n, accuracy: classification ? correct / split.n : null };
}
