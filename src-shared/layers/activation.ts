/**
 * The standalone activation layer, and the `activation` / `alpha` params that
 * dense, conv2d and this layer share (one definition, so every layer offers the
 * same list with the same help text).
 */
import { ACTIVATIONS, DEFAULT_LEAKY_ALPHA, type Activation } from './activations';
import { expectOne } from './input';
import { defineLayer } from './types';
import type { EnumParamSpec, NumberParamSpec, Params } from './types';

/** The `activation` param, with the given default. */
export function activationParam(defaultValue: Activation): EnumParamSpec<Activation> {
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
export const activationSpec = defineLayer({
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
  weights: () => [],
  summary: (params) => activationLabel(params, 'relu'),
});
