/**
 * Max pooling, and the factory both pooling layers are built from: they differ
 * only in what they take from each window.
 */
import { expectImage, paddingParam, strideSummary, windowOutput, windowParam, windowSummary } from './conv2d';
import { intList, pair } from './params';
import { defineLayer } from './types';

/** A pooling layer spec: 2-D windows over an image, channels unchanged, no weights. */
export function poolingSpec(type: 'maxPooling2d' | 'averagePooling2d', label: string, description: string) {
  return defineLayer({
    type,
    label,
    category: 'layers',
    description,
    inputs: { min: 1, max: 1 },
    hasOutput: true,
    params: {
      poolSize: windowParam('Pool size', 'Height and width of each window; 2 means 2×2.', 2),
      strides: windowParam(
        'Strides',
        'Step between windows; equal to the pool size, windows do not overlap.',
        2,
      ),
      padding: paddingParam('valid'),
    },
    inferShape(inputs, params) {
      const image = expectImage(inputs);
      if (!image.ok) return image;
      const out = windowOutput(
        image.shape,
        pair(params.poolSize),
        pair(params.strides),
        params.padding,
        'pool',
      );
      return out.ok ? { ok: true, shape: [...out.size, image.shape[2]] } : out;
    },
    weights: () => [],
    summary(params) {
      const padding = typeof params.padding === 'string' ? params.padding : 'valid';
      const pool =
        typeof params.poolSize === 'number' || Array.isArray(params.poolSize) ? params.poolSize : 2;
      return `${windowSummary(params, 'poolSize', 2)}${strideSummary(params, intList(pool, 2))} · ${padding}`;
    },
  });
}

/** Keeps the largest value of each window. */
export const maxPooling2dSpec = poolingSpec(
  'maxPooling2d',
  'Max pooling 2D',
  'Keeps the largest value in each small window, shrinking the image; use it after convolutions to cut size while keeping the strongest responses.',
);
