/**
 * What Keras 3 accepts in a `.keras` config, written down from its source
 * (keras-team/keras at 3422977a5e, keras/src/saving/serialization_lib.py,
 * keras/src/models/functional.py and the layers' constructors) so tests can
 * check an export without Keras itself, which these machines cannot
 * install. {@link keras3ConfigProblems} lists what would make
 * `keras.saving.load_model` fail on a config.
 */

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keyword arguments every layer takes (Layer.__init__ / Operation.__init__). */
const LAYER_KWARGS = [
  'name',
  'trainable',
  'dtype',
  'autocast',
  'activity_regularizer',
  'input_shape',
  'input_dim',
];

/** Each layer class's constructor arguments, from its `__init__`; the config's keys must be among them. */
export const KERAS3_LAYER_ARGS: Readonly<Record<string, readonly string[]>> = {
  InputLayer: [
    'shape',
    'batch_size',
    'dtype',
    'sparse',
    'ragged',
    'batch_shape',
    'input_tensor',
    'optional',
    'name',
  ],
  Dense: [
    'units',
    'activation',
    'use_bias',
    'kernel_initializer',
    'bias_initializer',
    'kernel_regularizer',
    'bias_regularizer',
    'kernel_constraint',
    'bias_constraint',
    'lora_rank',
    'lora_alpha',
    'quantization_config',
  ],
  Conv2D: [
    'filters',
    'kernel_size',
    'strides',
    'padding',
    'data_format',
    'dilation_rate',
    'groups',
    'activation',
    'use_bias',
    'kernel_initializer',
    'bias_initializer',
    'kernel_regularizer',
    'bias_regularizer',
    'kernel_constraint',
    'bias_constraint',
  ],
  MaxPooling2D: ['pool_size', 'strides', 'padding', 'data_format'],
  AveragePooling2D: ['pool_size', 'strides', 'padding', 'data_format'],
  GlobalAveragePooling2D: ['data_format', 'keepdims'],
  BatchNormalization: [
    'axis',
    'momentum',
    'epsilon',
    'center',
    'scale',
    'beta_initializer',
    'gamma_initializer',
    'moving_mean_initializer',
    'moving_variance_initializer',
    'beta_regularizer',
    'gamma_regularizer',
    'beta_constraint',
    'gamma_constraint',
    'renorm',
    'renorm_clipping',
    'renorm_momentum',
    'synchronized',
  ],
  LayerNormalization: [
    'axis',
    'epsilon',
    'center',
    'scale',
    'rms_scaling',
    'beta_initializer',
    'gamma_initializer',
    'beta_regularizer',
    'gamma_regularizer',
    'beta_constraint',
    'gamma_constraint',
  ],
  Add: [],
  Concatenate: ['axis'],
  Activation: ['activation'],
  LeakyReLU: ['negative_slope'],
  Flatten: ['data_format'],
  Reshape: ['target_shape'],
  Dropout: ['rate', 'noise_shape', 'seed'],
};

/** Required constructor arguments (no default). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  Dense: ['units'],
  Conv2D: ['filters', 'kernel_size'],
  AveragePooling2D: ['pool_size'],
  Activation: ['activation'],
  Reshape: ['target_shape'],
  Dropout: ['rate'],
};

/** Public names in keras.activations (keras/src/activations/__init__.py ALL_OBJECTS). */
export const KERAS3_ACTIVATIONS = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'elu',
  'selu',
  'gelu',
  'softplus',
  'silu',
  'swish',
  'softmax',
  'leaky_relu',
];

/** Public classes in keras.initializers. */
const INITIALIZERS = [
  'Zeros',
  'Ones',
  'GlorotUniform',
  'GlorotNormal',
  'HeUniform',
  'HeNormal',
  'LecunUniform',
  'LecunNormal',
  'RandomNormal',
  'RandomUniform',
  'TruncatedNormal',
  'VarianceScaling',
  'Orthogonal',
];

/** `{ module, class_name, config, registered_name }` with a built-in's module and no registered name (or its own). */
function builtIn(value: unknown, module: string, classes: readonly string[], where: string): string[] {
  if (!isRecord(value)) return [`${where}: not a serialized object`];
  const problems: string[] = [];
  for (const key of ['module', 'class_name', 'config', 'registered_name']) {
    if (!(key in value)) problems.push(`${where}: no "${key}"`);
  }
  if (value.module !== module) problems.push(`${where}: module ${String(value.module)}, not ${module}`);
  if (!classes.includes(String(value.class_name)))
    problems.push(`${where}: ${module} has no ${String(value.class_name)}`);
  // _assert_no_registered_name_for_builtin: a built-in takes none, or its own name.
  if (value.registered_name !== null && value.registered_name !== value.class_name)
    problems.push(`${where}: a built-in with registered_name ${String(value.registered_name)}`);
  if (!isRecord(value.config)) problems.push(`${where}: config is not an object`);
  return problems;
}

function tensorHistory(value: unknown): string | undefined {
  if (!isRecord(value) || value.class_name !== '__keras_tensor__' || !isRecord(value.config))
    return undefined;
  const history = value.config.keras_history;
  return Array.isArray(history) && history.length === 3 && typeof history[0] === 'string'
    ? history[0]
    : undefined;
}

function layerProblems(layer: unknown, i: number, defined: Set<string>): string[] {
  const where = `layers[${i}]`;
  const problems = builtIn(layer, 'keras.layers', Object.keys(KERAS3_LAYER_ARGS), where);
  if (!isRecord(layer) || !isRecord(layer.config)) return problems;
  const className = String(layer.class_name);
  const config = layer.config;
  const args = KERAS3_LAYER_ARGS[className] ?? [];
  const allowed = className === 'InputLayer' ? args : [...args, ...LAYER_KWARGS];
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) problems.push(`${where} (${className}): unexpected argument "${key}"`);
  }
  for (const key of REQUIRED[className] ?? []) {
    if (!(key in config)) problems.push(`${where} (${className}): missing "${key}"`);
  }
  if (typeof layer.name !== 'string' || layer.name !== config.name)
    problems.push(`${where}: "name" must repeat config.name`);
  else if (layer.name.includes('/')) problems.push(`${where}: a layer name may not contain "/"`);
  if ('activation' in config && !KERAS3_ACTIVATIONS.includes(String(config.activation)))
    problems.push(`${where}: unknown activation ${String(config.activation)}`);
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith('_initializer'))
      problems.push(...builtIn(value, 'keras.initializers', INITIALIZERS, `${where}.${key}`));
  }
  if (className !== 'InputLayer') {
    const dtype = config.dtype;
    if (!isRecord(dtype) || dtype.module !== 'keras' || dtype.class_name !== 'DTypePolicy')
      problems.push(`${where}: dtype is not a serialized DTypePolicy`);
  }
  const inbound = layer.inbound_nodes;
  if (!Array.isArray(inbound)) problems.push(`${where}: no inbound_nodes list`);
  else if (className === 'InputLayer' ? inbound.length !== 0 : inbound.length !== 1)
    problems.push(`${where}: ${inbound.length} inbound nodes`);
  else if (inbound.length) {
    const node = inbound[0];
    if (!isRecord(node) || !Array.isArray(node.args) || !isRecord(node.kwargs))
      problems.push(`${where}: an inbound node is { args: [...], kwargs: {...} }`);
    else {
      const merge = className === 'Add' || className === 'Concatenate';
      const tensors = merge ? node.args[0] : node.args;
      if (!Array.isArray(tensors) || (merge && (node.args.length !== 1 || tensors.length < 2)))
        problems.push(`${where}: a merge layer takes one list of at least two tensors`);
      for (const tensor of Array.isArray(tensors) ? tensors : []) {
        const from = tensorHistory(tensor);
        if (from === undefined) problems.push(`${where}: an argument is not a __keras_tensor__`);
        else if (!defined.has(from)) problems.push(`${where}: input "${from}" is not an earlier layer`);
      }
    }
  }
  if (typeof layer.name === 'string') defined.add(layer.name);
  return problems;
}

/** Everything in `config` (a parsed config.json) that Keras 3's loader would refuse; empty when none. */
export function keras3ConfigProblems(config: unknown): string[] {
  if (!isRecord(config)) return ['config.json is not an object'];
  const problems: string[] = [];
  // Functional is not exported: it resolves by importing its module (serialize_with_public_class's custom case).
  if (config.module !== 'keras.src.models.functional' || config.class_name !== 'Functional')
    problems.push('the model is not keras.src.models.functional.Functional');
  if (config.registered_name !== 'Functional')
    problems.push('the model\'s registered_name is not "Functional"');
  const inner = config.config;
  if (!isRecord(inner) || !Array.isArray(inner.layers))
    return [...problems, 'the model config has no layers'];
  if (typeof inner.name !== 'string') problems.push('the model has no name');
  const defined = new Set<string>();
  const names = new Set<string>();
  inner.layers.forEach((layer, i) => {
    problems.push(...layerProblems(layer, i, defined));
    const name = isRecord(layer) ? String(layer.name) : '';
    if (names.has(name)) problems.push(`two layers are named "${name}"`);
    names.add(name);
  });
  for (const key of ['input_layers', 'output_layers']) {
    const ends = inner[key];
    if (
      !Array.isArray(ends) ||
      ends.length !== 3 ||
      !names.has(String(ends[0])) ||
      ends[1] !== 0 ||
      ends[2] !== 0
    )
      problems.push(`${key} must be [layer name, 0, 0] of a listed layer`);
  }
  return problems;
}
