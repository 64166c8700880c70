/**
 * Each supported Keras layer as a Backflow node type and params, in the
 * design file's spelling; anything else is refused by name.
 */
import type { LayerType } from '../../../src-shared/layers/types';
import { ImportError, type KerasLayer } from './keras-topology';

/** A Keras layer translated: the Backflow type and its (raw, unvalidated) params. */
export interface MappedLayer {
  type: LayerType;
  params: Record<string, unknown>;
}

/** What the unsupported-layer message lists. */
export const SUPPORTED_LAYERS =
  'InputLayer, Dense, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten, Reshape, Dropout, Activation, ReLU, LeakyReLU, ELU, BatchNormalization, LayerNormalization, Add, Concatenate';

const ACTIVATION_NAMES: Record<string, string> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  softplus: 'softplus',
  swish: 'swish',
  silu: 'swish',
};

/**
 * The Backflow activation (and leakyRelu slope) of a Keras activation name;
 * `softmax` is accepted only where the caller folds it into the output.
 */
export function mapActivation(value: unknown, layer: KerasLayer): { activation: string; alpha?: number } {
  const name = value === null || value === undefined ? 'linear' : String(value);
  if (name === 'leaky_relu') return { activation: 'leakyRelu', alpha: 0.2 };
  const mapped = ACTIVATION_NAMES[name];
  if (mapped) return { activation: mapped };
  const where = name === 'softmax' ? ' (softmax is only supported on the model’s last Dense layer)' : '';
  throw new ImportError(
    `layer '${layer.name}' (${layer.className}) uses activation '${name}', which Backflow does not have${where}; Backflow's activations are linear, sigmoid, tanh, relu, leakyRelu, elu, selu, gelu, softplus, swish`,
  );
}

/** A Keras initializer config as a design initializer, or undefined when it has no Backflow equivalent. */
export function mapInitializer(value: unknown): string | Record<string, unknown> | undefined {
  if (typeof value === 'string') value = { class_name: value, config: {} };
  if (value === null || typeof value !== 'object') return undefined;
  const { class_name: rawName, config: rawConfig } = value as { class_name?: unknown; config?: unknown };
  const name = String(rawName ?? '');
  const config = (rawConfig ?? {}) as Record<string, unknown>;
  const camel = name[0]?.toLowerCase() + name.slice(1);
  const known = [
    'glorotUniform',
    'glorotNormal',
    'heUniform',
    'heNormal',
    'lecunUniform',
    'lecunNormal',
    'zeros',
  ];
  if (known.includes(camel)) return camel;
  switch (name) {
    case 'VarianceScaling': {
      const scale = Number(config.scale ?? 1);
      const mode = String(config.mode ?? 'fan_in')
        .replace('fanIn', 'fan_in')
        .replace('fanAvg', 'fan_avg');
      const uniform = config.distribution === 'uniform';
      const near = (a: number) => Math.abs(scale - a) < 1e-6;
      if (mode === 'fan_avg' && near(1)) return uniform ? 'glorotUniform' : 'glorotNormal';
      if (mode === 'fan_in' && near(2)) return uniform ? 'heUniform' : 'heNormal';
      if (mode === 'fan_in' && near(1)) return uniform ? 'lecunUniform' : 'lecunNormal';
      if (mode === 'fan_in' && near(1 / 3) && uniform) return 'standardUniform';
      return undefined;
    }
    case 'RandomNormal':
    case 'TruncatedNormal':
      return Number(config.mean ?? 0) === 0
        ? { name: 'randomNormal', stddev: Number(config.stddev ?? 0.05) }
        : undefined;
    case 'RandomUniform': {
      const low = Number(config.minval ?? -0.05);
      const high = Number(config.maxval ?? 0.05);
      return low === -high ? { name: 'randomUniform', limit: high } : undefined;
    }
    case 'Orthogonal':
      return { name: 'orthogonal', gain: Number(config.gain ?? 1) };
    default:
      return undefined;
  }
}

/** A Keras `[h, w]` pair or a single number. */
function pairOf(value: unknown, fallback: number[]): number[] {
  if (typeof value === 'number') return [value, value];
  return Array.isArray(value) ? value.map(Number) : fallback;
}

/** The param value for a pair: one number when both are equal, as designs usually write it. */
function compact(pair: number[]): number | number[] {
  return pair[0] === pair[1] ? pair[0] : pair;
}

function requireChannelsLast(layer: KerasLayer): void {
  const format = layer.config.data_format;
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw new ImportError(
      `layer '${layer.name}' (${layer.className}) uses data_format '${String(format)}'; Backflow's images are channels_last`,
    );
  }
}

/** Keras's `target_shape`, every size written out (Backflow has no inferred `-1` size). */
function targetShapeOf(layer: KerasLayer): unknown {
  const shape = layer.config.target_shape;
  if (Array.isArray(shape) && shape.some((d) => d === -1 || d === null)) {
    throw new ImportError(
      `layer '${layer.name}' (Reshape) has target_shape ${JSON.stringify(shape)} with a size left to infer; Backflow's reshape needs every size written out`,
    );
  }
  return shape;
}

function requireLastAxis(layer: KerasLayer): number {
  const raw = layer.config.axis;
  const axis = Array.isArray(raw) ? (raw.length === 1 ? Number(raw[0]) : NaN) : Number(raw ?? -1);
  if (!Number.isInteger(axis)) {
    throw new ImportError(
      `layer '${layer.name}' (${layer.className}) normalizes several axes; Backflow normalizes the last one`,
    );
  }
  if (layer.config.center === false || layer.config.scale === false) {
    throw new ImportError(
      `layer '${layer.name}' (${layer.className}) has no ${layer.config.center === false ? 'center (beta)' : 'scale (gamma)'}; Backflow's normalization layers learn both`,
    );
  }
  return axis;
}

/** Translates one layer (not the output, which the importer handles). */
export function mapLayer(layer: KerasLayer): MappedLayer {
  const c = layer.config;
  const initializer = mapInitializer(c.kernel_initializer);
  const weighted = (type: LayerType, params: Record<string, unknown>): MappedLayer => {
    const { activation, alpha } = mapActivation(c.activation, layer);
    const full: Record<string, unknown> = { ...params, activation, useBias: c.use_bias !== false };
    if (alpha !== undefined) full.alpha = alpha;
    if (initializer !== undefined) full.kernelInitializer = initializer;
    return { type, params: full };
  };
  switch (layer.className) {
    case 'InputLayer': {
      const shape = (c.batch_input_shape ?? c.batch_shape) as unknown[] | undefined;
      const dims = Array.isArray(shape) ? shape.slice(1) : [];
      if (!dims.length || dims.some((d) => typeof d !== 'number')) {
        throw new ImportError(
          `the input '${layer.name}' has shape ${JSON.stringify(shape)}; Backflow needs every size fixed`,
        );
      }
      return { type: 'input', params: { shape: dims } };
    }
    case 'Dense':
      return weighted('dense', { units: c.units });
    case 'Conv2D': {
      requireChannelsLast(layer);
      const dilation = pairOf(c.dilation_rate, [1, 1]);
      if (dilation.some((d) => d !== 1) || Number(c.groups ?? 1) !== 1) {
        throw new ImportError(
          `layer '${layer.name}' (Conv2D) is dilated or grouped; Backflow's conv2d is neither`,
        );
      }
      const padding = String(c.padding ?? 'valid');
      if (padding !== 'same' && padding !== 'valid') {
        throw new ImportError(
          `layer '${layer.name}' (Conv2D) uses padding '${padding}'; Backflow has same and valid`,
        );
      }
      return weighted('conv2d', {
        filters: c.filters,
        kernelSize: compact(pairOf(c.kernel_size, [3, 3])),
        strides: compact(pairOf(c.strides, [1, 1])),
        padding,
      });
    }
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      requireChannelsLast(layer);
      const pool = pairOf(c.pool_size, [2, 2]);
      const type = layer.className.startsWith('Max') ? 'maxPooling2d' : 'averagePooling2d';
      const strides = c.strides === null || c.strides === undefined ? pool : pairOf(c.strides, pool);
      return {
        type,
        params: { poolSize: compact(pool), strides: compact(strides), padding: c.padding ?? 'valid' },
      };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalAvgPool2D':
      requireChannelsLast(layer);
      if (c.keepdims === true) {
        throw new ImportError(
          `layer '${layer.name}' (${layer.className}) keeps the spatial axes (keepdims); Backflow's globalAveragePooling2d gives one value per channel`,
        );
      }
      return { type: 'globalAveragePooling2d', params: {} };
    case 'Flatten':
      requireChannelsLast(layer);
      return { type: 'flatten', params: {} };
    case 'Reshape':
      return { type: 'reshape', params: { targetShape: targetShapeOf(layer) } };
    case 'Dropout':
      return { type: 'dropout', params: { rate: c.rate } };
    case 'Activation':
      return { type: 'activation', params: mapActivation(c.activation, layer) };
    case 'ReLU':
      if (
        (c.max_value ?? null) !== null ||
        Number(c.threshold ?? 0) !== 0 ||
        Number(c.negative_slope ?? 0) !== 0
      ) {
        throw new ImportError(
          `layer '${layer.name}' (ReLU) is capped or shifted; Backflow's relu is max(0, x)`,
        );
      }
      return { type: 'activation', params: { activation: 'relu' } };
    case 'LeakyReLU':
      return {
        type: 'activation',
        params: { activation: 'leakyRelu', alpha: Number(c.alpha ?? c.negative_slope ?? 0.3) },
      };
    case 'ELU':
      if (Number(c.alpha ?? 1) !== 1)
        throw new ImportError(
          `layer '${layer.name}' (ELU) has alpha ${String(c.alpha)}; Backflow's elu uses 1`,
        );
      return { type: 'activation', params: { activation: 'elu' } };
    case 'BatchNormalization':
      return {
        type: 'batchNormalization',
        params: { momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 0.001, axis: requireLastAxis(layer) },
      };
    case 'LayerNormalization':
      return {
        type: 'layerNormalization',
        params: { epsilon: c.epsilon ?? 0.001, axis: requireLastAxis(layer) },
      };
    case 'Add':
      return { type: 'add', params: {} };
    case 'Concatenate':
      return { type: 'concatenate', params: { axis: c.axis ?? -1 } };
    default:
      throw new ImportError(
        `layer '${layer.name}' (${layer.className}) is not supported; Backflow imports ${SUPPORTED_LAYERS}`,
      );
  }
}
