/**
 * Activation functions a design may name, with the facts the engine and the
 * diagnosis need about each (saturation, dead units).
 */

export const ACTIVATIONS = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'elu',
  'selu',
  'gelu',
  'softplus',
  'swish',
] as const;

export type Activation = (typeof ACTIVATIONS)[number];

/** Activations whose derivative tends to 0 for large |z|: telemetry reports a saturated fraction. */
export const SATURATING_ACTIVATIONS: readonly Activation[] = ['sigmoid', 'tanh'];

/**
 * Piecewise activations whose negative side is flat or nearly so: telemetry
 * reports the fraction of units whose pre-activation is ≤ 0 for every sample of
 * the batch ("dead" units for ReLU; "inactive" for its leaky cousins).
 */
export const RELU_FAMILY: readonly Activation[] = ['relu', 'leakyRelu', 'elu', 'selu'];

/**
 * |z| above which the activation's derivative is below 1 % of its maximum.
 * sigmoid'(z) = s(1 − s) ≤ 1/4: solve s(1 − s) = 0.0025, so z = ln(s / (1 − s))
 * with s = (1 + √0.99) / 2. tanh'(z) = 1 − tanh²(z) ≤ 1: |z| = atanh(√0.99).
 */
export const SATURATION_THRESHOLD: Readonly<Record<'sigmoid' | 'tanh', number>> = {
  sigmoid: Math.log((1 + Math.sqrt(0.99)) / (1 - Math.sqrt(0.99))),
  tanh: Math.atanh(Math.sqrt(0.99)),
};

/**
 * Default negative slope of leakyRelu (the `alpha` param), as in Keras and
 * TensorFlow.js. elu always uses alpha = 1, as Keras's `elu` activation does.
 */
export const DEFAULT_LEAKY_ALPHA = 0.3;
