/**
 * The losses an `output` node may name, each the mean over the batch, with
 * gradients written out for the two cross-entropies (stable and fused).
 */
import type { LossName } from '../../../src-shared/layers';
import { customBinaryOp } from '../backend/scope';
import { tf, type Tensor } from '../backend/tf';
import { accuracyOnHeap, softmaxCrossEntropyOnHeap } from './loss-kernels';

/**
 * Batch-mean loss of `logits` against `targets` (one-hot rows for the
 * cross-entropies, target values for mean squared error).
 *
 * - softmaxCrossEntropy: mean_b( −Σ_k y_bk · log softmax(z_b)_k ); ∂/∂z = (softmax(z) − y) / B.
 * - sigmoidCrossEntropy: mean over batch and units of max(z,0) − z·y + log(1 + e^−|z|)
 *   (Keras's binary cross-entropy); ∂/∂z = (σ(z) − y) / (B·K).
 * - meanSquaredError: mean over batch and units of (z − y)²; ∂/∂z = 2(z − y) / (B·K).
 */
export function computeLoss(loss: LossName, logits: Tensor, targets: Tensor): Tensor {
  switch (loss) {
    case 'softmaxCrossEntropy':
      return softmaxCrossEntropy(logits, targets);
    case 'sigmoidCrossEntropy':
      return sigmoidCrossEntropy(logits, targets);
    case 'meanSquaredError':
      return tf.mean(tf.squaredDifference(logits, targets));
  }
}

const softmaxCrossEntropyChain = customBinaryOp((z, y) => {
  const logProbabilities = tf.logSoftmax(z);
  const batch = z.shape[0];
  return {
    value: tf.div(tf.neg(tf.sum(tf.mul(y, logProbabilities))), batch),
    save: [logProbabilities, y],
    gradient: (dy, [logP, ys]) => [tf.mul(tf.sub(tf.exp(logP), ys), tf.div(dy, batch)), tf.zerosLike(ys)],
  };
});

/** One kernel on WASM (loss-kernels.ts), the op chain elsewhere. */
const softmaxCrossEntropy = (z: Tensor, y: Tensor): Tensor =>
  softmaxCrossEntropyOnHeap(z, y) ?? softmaxCrossEntropyChain(z, y);

const sigmoidCrossEntropy = customBinaryOp((z, y) => {
  const perElement = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
  return {
    value: tf.mean(perElement),
    save: [z, y],
    gradient: (dy, [zs, ys]) => [tf.mul(tf.sub(tf.sigmoid(zs), ys), tf.div(dy, zs.size)), tf.zerosLike(ys)],
  };
});

/** Fraction of rows whose largest logit is the target's class (classification only). */
export function accuracy(logits: Tensor, targets: Tensor): Tensor {
  if (logits.shape[1] === 1) {
    return tf.mean(tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(targets, 0.5)), 'float32'));
  }
  return (
    accuracyOnHeap(logits, targets) ??
    tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(targets, 1)), 'float32'))
  );
}
