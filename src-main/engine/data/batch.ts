/**
 * Batches as tensors: the rows a training step or an evaluation reads, copied
 * out of a loaded split. Here rather than in train/ so the trainer and the
 * evaluation both import it without importing each other.
 */
import { tf } from '../backend/tf';
import type { Split } from './types';

/** Copies the rows of a batch into tensors [batch, ...inputShape] and [batch, outputs]. */
export function gatherBatch(split: Split, rows: ArrayLike<number>, inputShape: number[]) {
  const features = split.x.length / split.n;
  const outputs = split.y.length / split.n;
  const xs = new Float32Array(rows.length * features);
  const ys = new Float32Array(rows.length * outputs);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    xs.set(split.x.subarray(row * features, (row + 1) * features), r * features);
    ys.set(split.y.subarray(row * outputs, (row + 1) * outputs), r * outputs);
  }
  return { x: tf.tensor(xs, [rows.length, ...inputShape]), y: tf.tensor2d(ys, [rows.length, outputs]) };
}
