/** Global average pooling: one number per channel, the bridge from images to a classifier head. */
import { expectImage } from './conv2d';
import { defineLayer } from './types';

/** Averages each channel over the whole image: `[h, w, c]` → `[c]`; no weights. */
export const globalAveragePooling2dSpec = defineLayer({
  type: 'globalAveragePooling2d',
  label: 'Global average pooling 2D',
  category: 'layers',
  description:
    'Replaces each channel of an image by its average over the whole image, giving one number per channel; use it instead of Flatten before the dense head to keep the head small.',
  inputs: { min: 1, max: 1 },
  hasOutput: true,
  params: {},
  inferShape(inputs) {
    const image = expectImage(inputs);
    return image.ok ? { ok: true, shape: [image.shape[2]] } : image;
  },
  weights: () => [],
  summary: () => 'mean over h×w',
});
