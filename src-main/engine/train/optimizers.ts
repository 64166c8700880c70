/**
 * The optimizers, as Keras defines them. Each step is split in two: `propose`
 * computes the new weights and optimizer state as fresh tensors without
 * touching any variable, and `commit` assigns them. Between the two the
 * trainer reads the loss and gradient norms back and refuses a non-finite
 * step, so a diverging run stops with its last good weights intact.
 */
import type { OptimizerName } from '../../../src-shared/design/types';
import { variableFrom } from '../backend/scope';
import { tf, type Tensor, type Variable } from '../backend/tf';
import { sgdStepsOnHeap } from '../model/layer-kernels';

export interface OptimizerSettings {
  name: OptimizerName;
  learningRate: number;
  /** Momentum coefficient (momentum) or decay ρ (rmsprop). */
  momentum: number;
}

export interface Proposal {
  /** New value of each weight, same order as the variables. */
  values: Tensor[];
  /**
   * The step each weight takes (new − old), computed before it is added:
   * in float32 a tiny step can vanish when added to a large weight, and
   * telemetry's update ratio must still see it.
   */
  steps: Tensor[];
  /** New optimizer state, to be assigned by commit. */
  state: Tensor[];
}

export interface Optimizer {
  propose(weights: readonly Variable[], grads: readonly Tensor[]): Proposal;
  /** Assigns a proposal and disposes it. */
  commit(weights: readonly Variable[], proposal: Proposal): void;
  /** Frees the optimizer's state. */
  dispose(): void;
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const EPSILON = 1e-7;

const SLOTS_PER_WEIGHT: Record<OptimizerName, number> = { sgd: 0, momentum: 1, rmsprop: 1, adam: 2 };

/** Creates an optimizer whose state slots are created lazily, one set per weight. */
export function createOptimizer(settings: OptimizerSettings): Optimizer {
  const lr = settings.learningRate;
  const slots: Variable[] = [];
  let iteration = 0;
  const ensureSlots = (weights: readonly Variable[], perWeight: number) => {
    if (slots.length || perWeight === 0) return;
    for (const w of weights) {
      for (let k = 0; k < perWeight; k++) slots.push(variableFrom(tf.zerosLike(w), false));
    }
  };
  const propose = (weights: readonly Variable[], grads: readonly Tensor[]): Proposal => {
    // Slots are created outside tidy so they outlive this step.
    ensureSlots(weights, SLOTS_PER_WEIGHT[settings.name]);
    return tf.tidy(() => {
      if (settings.name === 'sgd') {
        const fused = sgdStepsOnHeap(weights, grads, lr);
        if (fused) return { ...fused, state: [] };
      }
      const steps: Tensor[] = [];
      const state: Tensor[] = [];
      switch (settings.name) {
        case 'sgd':
          grads.forEach((g) => steps.push(tf.mul(g, -lr)));
          break;
        case 'momentum':
          // Keras SGD(momentum): v ← m·v − lr·g; w ← w + v.
          grads.forEach((g, i) => {
            const v = tf.sub(tf.mul(slots[i], settings.momentum), tf.mul(g, lr));
            state.push(v);
            steps.push(v);
          });
          break;
        case 'rmsprop':
          // Keras RMSprop: s ← ρ·s + (1−ρ)·g²; w ← w − lr·g / (√s + ε).
          grads.forEach((g, i) => {
            const s = tf.add(
              tf.mul(slots[i], settings.momentum),
              tf.mul(tf.square(g), 1 - settings.momentum),
            );
            state.push(s);
            steps.push(tf.neg(tf.div(tf.mul(g, lr), tf.add(tf.sqrt(s), EPSILON))));
          });
          break;
        case 'adam': {
          // Keras Adam with bias correction folded into the step size.
          const t = iteration + 1;
          const stepSize = (lr * Math.sqrt(1 - ADAM_BETA2 ** t)) / (1 - ADAM_BETA1 ** t);
          grads.forEach((g, i) => {
            const m = tf.add(tf.mul(slots[2 * i], ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1));
            const v = tf.add(tf.mul(slots[2 * i + 1], ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2));
            state.push(m, v);
            steps.push(tf.neg(tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), EPSILON))));
          });
          break;
        }
      }
      const values = weights.map((w, i) => tf.add(w, steps[i]));
      return { values, steps, state };
    });
  };
  return {
    propose,
    commit(weights, proposal) {
      weights.forEach((w, i) => w.assign(proposal.values[i]));
      proposal.state.forEach((s, i) => slots[i].assign(s));
      tf.dispose([...proposal.values, ...proposal.steps, ...proposal.state]);
      iteration++;
    },
    dispose() {
      tf.dispose(slots);
      slots.length = 0;
    },
  };
}
