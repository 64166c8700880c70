/**
 * The parts of the design JSON Schema that do not come from the layer
 * catalogue: initializers, data and training. Split from schema.ts only to
 * keep files small.
 */
import { INITIALIZER_ARGUMENTS, INITIALIZER_HELP, INITIALIZERS } from '../layers/initializers';
import { BUILTIN_DATASET_INFO } from './datasets';
import { MAX_SEED, TRAINING_DEFAULTS } from './training';
import { BUILTIN_DATASETS, OPTIMIZERS } from './types';

type Schema = Record<string, unknown>;

const INITIALIZER_ARGUMENT_HELP: Readonly<Record<string, string>> = {
  stddev: 'Standard deviation of the normal distribution.',
  limit: 'Half-width of the uniform range.',
  gain: 'Factor the orthogonal matrix is multiplied by.',
};

/** See designJsonSchema. */
export function initializerSchema(): Schema {
  const variants = INITIALIZERS.map((name) => {
    const arg = INITIALIZER_ARGUMENTS[name];
    const properties: Schema = { name: { description: 'The initializer.', const: name } };
    if (arg) {
      properties[arg.key] = {
        description: INITIALIZER_ARGUMENT_HELP[arg.key] ?? 'The initializer’s argument.',
        type: 'number',
        minimum: arg.min,
        maximum: arg.max,
        default: arg.default,
      };
    }
    return {
      description: INITIALIZER_HELP[name],
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties,
    };
  });
  return {
    description:
      'How a layer’s weights start: a name, or { "name", argument } for randomNormal (stddev), randomUniform (limit) and orthogonal (gain).',
    oneOf: [{ enum: [...INITIALIZERS] }, ...variants],
  };
}

/** See designJsonSchema. */
export function dataSchema(): Schema {
  const normalize = {
    description:
      'standardize (the default) rescales each input feature to mean 0, variance 1; none leaves them as they are.',
    enum: ['standardize', 'none'],
  };
  const perDataset = BUILTIN_DATASETS.map((name) => {
    const { limits, defaults } = BUILTIN_DATASET_INFO[name];
    const option = (key: 'samples' | 'classes' | 'noise', type: string): Schema | false => {
      const range = limits[key];
      if (!range) return false;
      return { type, minimum: range[0], maximum: range[1], default: defaults[key] };
    };
    return {
      if: { properties: { name: { const: name } }, required: ['name'] },
      then: {
        properties: {
          samples: option('samples', 'integer'),
          classes: option('classes', 'integer'),
          noise: option('noise', 'number'),
        },
      },
    };
  });
  return {
    description: 'The data the network trains on: a built-in data set or a CSV file.',
    oneOf: [
      {
        description:
          'A built-in data set. Options a data set does not take (noise for Iris, classes for sine) are refused.',
        type: 'object',
        required: ['source', 'name'],
        additionalProperties: false,
        properties: {
          source: { const: 'builtin' },
          name: { description: 'Which data set.', enum: [...BUILTIN_DATASETS] },
          samples: {
            description: 'Number of examples generated (or, for Iris and MNIST, taken).',
            type: 'integer',
          },
          classes: { description: 'Number of classes, for spiral and gaussians.', type: 'integer' },
          noise: {
            description: 'Standard deviation of the noise added to generated points.',
            type: 'number',
          },
          normalize,
        },
        allOf: perDataset,
      },
      {
        description: 'A CSV file with a header row; every column but the target is an input feature.',
        type: 'object',
        required: ['source', 'path', 'target'],
        additionalProperties: false,
        properties: {
          source: { const: 'csv' },
          path: {
            description:
              'The file, relative to the design file’s folder; absolute paths and paths leaving the folder are refused.',
            type: 'string',
            minLength: 1,
          },
          target: { description: 'The header of the label column.', type: 'string', minLength: 1 },
          normalize,
        },
      },
    ],
  };
}

/** See designJsonSchema. */
export function trainingSchema(): Schema {
  return {
    description: 'How the network is trained.',
    type: 'object',
    required: ['optimizer', 'learningRate', 'batchSize', 'epochs', 'seed'],
    additionalProperties: false,
    properties: {
      optimizer: {
        description: 'sgd, momentum (SGD with momentum), adam or rmsprop.',
        enum: [...OPTIMIZERS],
      },
      learningRate: { description: 'Step size.', type: 'number', exclusiveMinimum: 0, maximum: 10 },
      batchSize: { description: 'Examples per step.', type: 'integer', minimum: 1, maximum: 4096 },
      epochs: { description: 'Passes over the training data.', type: 'integer', minimum: 1, maximum: 10000 },
      seed: {
        description: 'Same seed → same initial weights, data, split and batch order on every backend.',
        type: 'integer',
        minimum: 0,
        maximum: MAX_SEED,
      },
      validationSplit: {
        description: 'Fraction of the data held out for validation; 0 allowed.',
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: TRAINING_DEFAULTS.validationSplit,
      },
      momentum: {
        description: 'Momentum coefficient for the momentum optimizer, decay rate for rmsprop.',
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: TRAINING_DEFAULTS.momentum,
      },
      clipNorm: {
        description: 'Clip the global L2 norm of all gradients to this value; absent or 0 means no clipping.',
        type: 'number',
        minimum: 0,
      },
    },
  };
}
