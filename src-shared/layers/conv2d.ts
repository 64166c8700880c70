/**
 * The 2-D convolution, and the sliding-window arithmetic it shares with the
 * pooling layers (TensorFlow's rules for `same` and `valid` padding).
 */
import { formatShape } from '../graph/format';
import { activationLabel, activationParam, alphaParam } from './activation';
import { kernelInitializerParam, useBiasParam } from './dense';
import { expectOne } from './input';
import { initializerOf, intList, pair } from './params';
import { defineLayer } from './types';
import type { EnumParamSpec, IntListParamSpec, Params, Shape, ShapeResult, WeightSpec } from './types';

/** A `[height, width]` window param (kernelSize, poolSize, strides); `3` stands for `[3, 3]`. */
export function windowParam(label: string, help: string, defaultValue: number): IntListParamSpec<true> {
  return {
    kind: 'intList',
    label,
    help,
    default: defaultValue,
    minLength: 2,
    maxLength: 2,
    min: 1,
    max: 64,
    scalarAllowed: true,
  };
}

/** TensorFlow's two paddings: `same` keeps ⌈size/stride⌉, `valid` uses full windows only. */
export type Padding = 'valid' | 'same';

/** The `padding` param. */
export function paddingParam(defaultValue: Padding): EnumParamSpec<Padding> {
  return {
    kind: 'enum',
    label: 'Padding',
    help: '"same" pads the border so the output keeps ⌈size/stride⌉; "valid" only uses full windows and shrinks it.',
    options: ['valid', 'same'],
    default: defaultValue,
  };
}

/** The single input, which must be an image: `[height, width, channels]`. */
export function expectImage(inputs: readonly Shape[]): ShapeResult {
  const one = expectOne(inputs);
  if (!one.ok || one.shape.length === 3) return one;
  return {
    ok: false,
    message: `expects a 3-D input (height×width×channels) but gets ${formatShape(one.shape)} — give the input node an image shape such as 28×28×1`,
  };
}

/**
 * Output height and width of a window of size `window` sliding with `strides`
 * over `[h, w]`: `same` gives ⌈h/s⌉, `valid` gives ⌊(h−k)/s⌋+1 (TensorFlow's
 * rules), which must be at least 1.
 */
export function windowOutput(
  image: Shape,
  window: readonly number[],
  strides: readonly number[],
  padding: Padding,
  what: string,
): { ok: true; size: [number, number] } | { ok: false; message: string } {
  const size: [number, number] = [0, 0];
  for (const i of [0, 1]) {
    size[i] =
      padding === 'same'
        ? Math.ceil(image[i] / strides[i])
        : Math.floor((image[i] - window[i]) / strides[i]) + 1;
  }
  if (size[0] < 1 || size[1] < 1) {
    return {
      ok: false,
      message: `a ${window[0]}×${window[1]} ${what} does not fit its ${image[0]}×${image[1]} input with padding "valid" — use padding "same", a smaller ${what}, or fewer pooling layers before it`,
    };
  }
  return { ok: true, size };
}

/** A window param as `[h, w]`, falling back when the value is missing or malformed (node faces show raw params). */
function windowOf(params: Params, key: string, fallback: number): number[] {
  const value = params[key];
  return typeof value === 'number' || Array.isArray(value) ? intList(value, 2) : [fallback, fallback];
}

/** Node-face text for a window param: `3×3`. */
export function windowSummary(params: Params, key: string, fallback: number): string {
  const [h, w] = windowOf(params, key, fallback);
  return `${h}×${w}`;
}

/** Node-face text for `strides` (` /2`), empty when they equal `usual` so the common case stays short. */
export function strideSummary(params: Params, usual: readonly number[]): string {
  const [h, w] = windowOf(params, 'strides', usual[0]);
  if (h === usual[0] && w === usual[1]) return '';
  return h === w ? ` /${h}` : ` /${h}×${w}`;
}

/** `filters` learned `kernelSize` filters slid over the image, each giving one output channel. */
export const conv2dSpec = defineLayer({
  type: 'conv2d',
  label: 'Conv 2D',
  category: 'layers',
  description:
    'Slides small learned filters over an image, producing one feature map per filter; use it on images to detect local patterns with few weights.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: {
    filters: {
      kind: 'int',
      label: 'Filters',
      help: 'Number of filters, which is the number of output channels.',
      default: 16,
      min: 1,
      max: 4096,
    },
    kernelSize: windowParam('Kernel size', 'Height and width of each filter; 3 means 3×3.', 3),
    strides: windowParam('Strides', 'Step between filter positions; 2 halves the height and width.', 1),
    padding: paddingParam('same'),
    activation: activationParam('linear'),
    alpha: alphaParam,
    kernelInitializer: kernelInitializerParam,
    useBias: useBiasParam,
  },
  inferShape(inputs, params) {
    const image = expectImage(inputs);
    if (!image.ok) return image;
    const out = windowOutput(
      image.shape,
      pair(params.kernelSize),
      pair(params.strides),
      params.padding,
      'kernel',
    );
    return out.ok ? { ok: true, shape: [...out.size, params.filters] } : out;
  },
  weights(inputs, params) {
    const { filters } = params;
    const kernel: WeightSpec = {
      role: 'kernel',
      shape: [...pair(params.kernelSize), inputs[0][2], filters],
      init: initializerOf(params.kernelInitializer),
      trainable: true,
    };
    if (!params.useBias) return [kernel];
    return [kernel, { role: 'bias', shape: [filters], init: { name: 'zeros' }, trainable: true }];
  },
  summary(params) {
    const filters = typeof params.filters === 'number' ? params.filters : 16;
    const padding = typeof params.padding === 'string' ? params.padding : 'same';
    const activation = activationLabel(params, 'linear');
    const tail = activation === 'linear' ? '' : ` · ${activation}`;
    return `${windowSummary(params, 'kernelSize', 3)}×${filters}${strideSummary(params, [1, 1])} · ${padding}${tail}`;
  },
});
