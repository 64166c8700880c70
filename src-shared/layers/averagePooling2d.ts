/** Average pooling: the pooling factory with the mean of each window. */
import { poolingSpec } from './maxPooling2d';

/** Replaces each window by its mean. */
export const averagePooling2dSpec = poolingSpec(
  'averagePooling2d',
  'Average pooling 2D',
  'Replaces each small window by its average, shrinking the image smoothly; use it to downsample when every value in the window matters.',
);
