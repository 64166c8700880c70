/**
 * Activation functions as tfjs ops. Each is differentiable through tfjs's
 * autodiff; GELU uses the exact erf form, as Keras does by default.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { tf, type Tensor } from '../backend/tf';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Applies `activation` to `z`. `alpha` is leakyRelu's negative slope. */
export function applyActivation(activation: Activation, z: Tensor, alpha: number): Tensor {
  switch (activation) {
    case 'linear':
      return z;
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'tanh':
      return tf.tanh(z);
    case 'relu':
      return tf.relu(z);
    case 'leakyRelu':
      return tf.leakyRelu(z, alpha);
    case 'elu':
      return tf.elu(z);
    case 'selu':
      // scale · (max(z, 0) + α·(e^min(z,0) − 1)): the paper's constants, built only
      // from ops with gradients (tf.where's condition, Greater, has none).
      return tf.mul(SELU_SCALE, tf.add(tf.relu(z), tf.mul(SELU_ALPHA, tf.expm1(tf.minimum(z, 0)))));
    case 'gelu':
      return tf.mul(tf.mul(0.5, z), tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
    case 'softplus':
      return tf.softplus(z);
    case 'swish':
      return tf.mul(z, tf.sigmoid(z));
  }
}
