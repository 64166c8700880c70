/**
 * The fully connected layer, and the params and checks it shares with conv2d
 * and output (initializer, bias, "needs a flat input").
 */
import { formatShape } from '../graph/format';
import { activationLabel, activationParam, alphaParam } from './activation';
import { expectOne } from './input';
import { initializerOf } from './params';
import { defineLayer } from './types';
import type {
  BoolParamSpec,
  InitializerParamSpec,
  InitializerValue,
  Shape,
  ShapeResult,
  WeightSpec,
} from './types';

/** The `kernelInitializer` param; glorotUniform is the Keras default. */
export const kernelInitializerParam: InitializerParamSpec = {
  kind: 'initializer',
  label: 'Initializer',
  help: 'How the weights start: Xavier/Glorot suits tanh, He suits ReLU, standardUniform is the classic small init.',
  default: 'glorotUniform',
};

/** The `useBias` param. */
export const useBiasParam: BoolParamSpec = {
  kind: 'bool',
  label: 'Bias',
  help: 'Adds a learned offset to every unit; not needed right before batch normalization.',
  default: true,
};

/**
 * The single input, which must be 1-D: dense-style layers multiply a vector by
 * a matrix, and silently flattening would hide where the spatial layout ends.
 */
export function expectFlat(inputs: readonly Shape[]): ShapeResult {
  const one = expectOne(inputs);
  if (!one.ok || one.shape.length === 1) return one;
  return {
    ok: false,
    message: `expects a flat input but gets ${formatShape(one.shape)} — insert a Flatten layer before it`,
  };
}

/**
 * The weights of a dense map from `fanIn` to `units`: the kernel [fanIn, units]
 * drawn by `initializer`, and a zero bias when used. Empty while `units` is
 * not known (an output before the data set is chosen).
 */
export function denseWeights(
  fanIn: number,
  units: number,
  params: { readonly kernelInitializer: InitializerValue; readonly useBias: boolean },
): WeightSpec[] {
  if (units < 1) return [];
  const kernel: WeightSpec = {
    role: 'kernel',
    shape: [fanIn, units],
    init: initializerOf(params.kernelInitializer),
    trainable: true,
  };
  if (!params.useBias) return [kernel];
  return [kernel, { role: 'bias', shape: [units], init: { name: 'zeros' }, trainable: true }];
}

/** `units` outputs, each a weighted sum of every input plus a bias, then the activation. */
export const denseSpec = defineLayer({
  type: 'dense',
  label: 'Dense',
  category: 'layers',
  description:
    'Connects every input to every one of its units (a weighted sum plus bias, then the activation); the building block of a multilayer perceptron.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: {
    units: {
      kind: 'int',
      label: 'Units',
      help: 'Number of neurons, which is the width of the output.',
      default: 64,
      min: 1,
      max: 16384,
    },
    activation: activationParam('linear'),
    alpha: alphaParam,
    kernelInitializer: kernelInitializerParam,
    useBias: useBiasParam,
  },
  inferShape(inputs, params) {
    const flat = expectFlat(inputs);
    return flat.ok ? { ok: true, shape: [params.units] } : flat;
  },
  weights: (inputs, params) => denseWeights(inputs[0][0], params.units, params),
  summary: (params) =>
    `${typeof params.units === 'number' ? params.units : 64} · ${activationLabel(params, 'linear')}`,
});
