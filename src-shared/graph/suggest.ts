/** "Did you mean …?" for unknown layer types, including names users bring from Keras and PyTorch. */
import { editDistance } from '../text-distance';
import { ACTIVATIONS } from '../layers/activations';
import { LAYER_TYPES } from '../layers/types';
import type { LayerType } from '../layers/types';

/** Names from other tools that have a clear counterpart here. */
const ALIASES: Readonly<Record<string, LayerType>> = {
  linear: 'dense',
  fullyconnected: 'dense',
  fc: 'dense',
  conv: 'conv2d',
  conv2d: 'conv2d',
  maxpool: 'maxPooling2d',
  maxpool2d: 'maxPooling2d',
  avgpool: 'averagePooling2d',
  avgpool2d: 'averagePooling2d',
  gap: 'globalAveragePooling2d',
  globalavgpool2d: 'globalAveragePooling2d',
  adaptiveavgpool2d: 'globalAveragePooling2d',
  view: 'reshape',
  unflatten: 'reshape',
  batchnorm: 'batchNormalization',
  batchnorm1d: 'batchNormalization',
  batchnorm2d: 'batchNormalization',
  layernorm: 'layerNormalization',
  inputlayer: 'input',
  concat: 'concatenate',
  sum: 'add',
  ...Object.fromEntries(ACTIVATIONS.map((a) => [a.toLowerCase(), 'activation' as const])),
};

/** The layer type the user most likely meant by `name`, if any is close enough. */
export function suggestLayerType(name: string): LayerType | undefined {
  const key = name.toLowerCase().replace(/[\s_-]/g, '');
  if (!key) return undefined;
  if (Object.hasOwn(ALIASES, key)) return ALIASES[key];
  let best: LayerType | undefined;
  let bestDistance = Math.min(3, Math.max(1, Math.floor(key.length / 3)) + 1);
  for (const type of LAYER_TYPES) {
    const candidate = type.toLowerCase();
    if (key.length >= 3 && candidate.startsWith(key)) return type;
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = type;
      bestDistance = distance;
    }
  }
  return best;
}
