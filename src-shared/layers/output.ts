/** The output layer: the final dense map to the data's classes or targets, plus the loss. */
import { denseWeights, expectFlat, kernelInitializerParam, useBiasParam } from './dense';
import { defineLayer } from './types';
import type { ShapeContext } from './types';

/** The losses an output layer may use, as spelled in the design file. */
export const LOSSES = ['softmaxCrossEntropy', 'sigmoidCrossEntropy', 'meanSquaredError'] as const;

/** One of {@link LOSSES}. */
export type LossName = (typeof LOSSES)[number];

/**
 * Width shown while the data set is unknown: the output's shape is `[-1]`,
 * which `formatShape` renders as `?` and size limits ignore.
 */
export const UNKNOWN_WIDTH = -1;

const LOSS_SUMMARY: Readonly<Record<LossName, string>> = {
  softmaxCrossEntropy: 'softmax · cross-entropy',
  sigmoidCrossEntropy: 'sigmoid · cross-entropy',
  meanSquaredError: 'mean squared error',
};

/** The data's output width, or undefined while it is not known (or not a usable number). */
function outputUnits(context: ShapeContext): number | undefined {
  const units = context.outputUnits;
  return typeof units === 'number' && Number.isInteger(units) && units >= 1 && units <= 16384
    ? units
    : undefined;
}

/**
 * Closes the network: a dense map from its flat input to `context.outputUnits`
 * values, and the loss. Before a data set is chosen (`outputUnits` undefined)
 * inference still succeeds with shape `[-1]` (shown `?`) and 0 weights, so the
 * rest of the graph can be checked; the engine always passes the width.
 */
export const outputSpec = defineLayer({
  type: 'output',
  label: 'Output',
  category: 'outputs',
  description:
    'Ends the network with one unit per class (or target) and the loss to minimise; softmax cross-entropy for classes, mean squared error for regression.',
  inputs: { min: 1, max: 1 },
  hasOutput: false,
  params: {
    loss: {
      kind: 'enum',
      label: 'Loss',
      help: 'softmaxCrossEntropy: one class per example; sigmoidCrossEntropy: independent yes/no targets; meanSquaredError: numbers.',
      options: LOSSES,
      default: 'softmaxCrossEntropy',
    },
    kernelInitializer: kernelInitializerParam,
    useBias: useBiasParam,
  },
  inferShape(inputs, params, context) {
    const flat = expectFlat(inputs);
    if (!flat.ok) return flat;
    const units = outputUnits(context);
    if (context.outputUnits !== undefined && units === undefined) {
      return {
        ok: false,
        message: `the data set gives ${String(context.outputUnits)} outputs, which is not a usable width`,
      };
    }
    // A softmax over one unit is always 1: the loss is constant and nothing learns.
    if (units === 1 && params.loss === 'softmaxCrossEntropy') {
      return {
        ok: false,
        message:
          'softmaxCrossEntropy needs at least 2 classes but the data set has 1 target — use sigmoidCrossEntropy or meanSquaredError',
      };
    }
    return { ok: true, shape: [units ?? UNKNOWN_WIDTH] };
  },
  // Before the data set is known the output is [UNKNOWN_WIDTH] wide and has no weights yet.
  weights: (inputs, params, output) => denseWeights(inputs[0][0], output[0], params),
  summary(params) {
    const loss = LOSSES.find((name) => name === params.loss);
    return loss ? LOSS_SUMMARY[loss] : String(params.loss ?? LOSS_SUMMARY.softmaxCrossEntropy);
  },
});
