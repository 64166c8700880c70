/** Remedy edits of the `training` section: learning rate and gradient clipping. */
import type { Design } from '../../design/types';

/** The largest learning rate a design may hold (the training section's bound). */
export const MAX_LEARNING_RATE = 10;

/**
 * Multiplies the learning rate by `factor`, kept within (0, 10] and rounded
 * to 6 significant digits so 0.1 ÷ 10 reads 0.01, not 0.010000000000000002.
 */
export function scaleLearningRate(design: Design, factor: number): Design {
  const scaled = Number((design.training.learningRate * factor).toPrecision(6));
  const learningRate = Math.min(MAX_LEARNING_RATE, scaled > 0 ? scaled : design.training.learningRate);
  return { ...design, training: { ...design.training, learningRate } };
}

/** Clips the global gradient norm at `clipNorm` (the engine rescales all gradients together). */
export function enableClipping(design: Design, clipNorm = 1): Design {
  return { ...design, training: { ...design.training, clipNorm } };
}
