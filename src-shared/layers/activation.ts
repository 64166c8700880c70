/**
 * The standalone activation layer, and the `activation` / `alpha` params that
 * dense, conv2d and this layer share (one definition, so every layer offers the
 * same list with the same help text).
 */
import { ACTIVATIONS, DEFAULT_LEAKY_ALPHA } from './activations';
import { expectOne } from './input';
import type { EnumParamSpec, LayerSpec, NumberParamSpec, Params } from './types';

/** The `activation` param, with the given default. */
export function activationParam(defaultValue: string): EnumParamSpec {
  return {
    kind: 'enum',
    label: 'Activation',
    help: 'The function applied to each unit; sigmoid and tanh saturate, the ReLU family does not.',
    options: ACTIVATIONS,
    default: defaultValue,
  };
}

/** The `alpha` param: leakyRelu's negative slope (ignored by the other activations). */
export const alphaParam: NumberParamSpec = {
  kind: 'number',
  label: 'Alpha',
  help: 'Slope of leakyRelu for negative inputs; the other activations ignore it.',
  default: DEFAULT_LEAKY_ALPHA,
  min: 0,
  max: 10,
};

/**
 * Short text for an activation on a node face: `relu`, or `leakyRelu(0.3)`
 * since alpha changes how much gradient the negative side lets through.
 */
export function activationLabel(params: Params, fallback: string): string {
  const name = typeof params.activation === 'string' ? params.activation : fallback;
  if (name !== 'leakyRelu') return name;
  const alpha = typeof params.alpha === 'number' ? params.alpha : DEFAULT_LEAKY_ALPHA;
  return `leakyRelu(${alpha})`;
}

/** Applies an activation function element-wise; shape unchanged, no weights. */
export const activationSpec: LayerSpec = {
  type: 'activation',
  label: 'Activation',
  category: 'activations',
  description:
    'Applies a function such as ReLU or sigmoid to every value; place it after a layer (or after batch normalization) to choose the non-linearity.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: { activation: activationParam('relu'), alpha: alphaParam },
  inferShape(inputs) {
    return expectOne(inputs);
  },
  paramCount: () => 0,
  summary: (params) => activationLabel(params, 'relu'),
};
