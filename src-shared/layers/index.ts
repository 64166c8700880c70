/**
 * The layer catalogue: one registry read by the palette, the inspector, the
 * graph rules and the engine's model builder, so every part of the app agrees
 * on what each layer type is.
 */
import { activationSpec } from './activation';
import { addSpec } from './add';
import { averagePooling2dSpec } from './averagePooling2d';
import { batchNormalizationSpec } from './batchNormalization';
import { concatenateSpec } from './concatenate';
import { conv2dSpec } from './conv2d';
import { denseSpec } from './dense';
import { dropoutSpec } from './dropout';
import { flattenSpec } from './flatten';
import { inputSpec } from './input';
import { layerNormalizationSpec } from './layerNormalization';
import { maxPooling2dSpec } from './maxPooling2d';
import { outputSpec } from './output';
import { LAYER_TYPES } from './types';
import type { LayerCategory, LayerSpec, LayerType } from './types';

export * from './types';
export * from './activations';
export * from './initializers';
export * from './params';
export { LOSSES, UNKNOWN_WIDTH } from './output';
export type { LossName } from './output';
export { MERGE_ARITY } from './add';

/** Every layer type's spec, keyed by its design-file name. */
export const LAYER_SPECS: Readonly<Record<LayerType, LayerSpec>> = Object.freeze({
  input: inputSpec,
  dense: denseSpec,
  conv2d: conv2dSpec,
  maxPooling2d: maxPooling2dSpec,
  averagePooling2d: averagePooling2dSpec,
  flatten: flattenSpec,
  dropout: dropoutSpec,
  activation: activationSpec,
  batchNormalization: batchNormalizationSpec,
  layerNormalization: layerNormalizationSpec,
  add: addSpec,
  concatenate: concatenateSpec,
  output: outputSpec,
});

/** True when `x` is one of the {@link LAYER_TYPES}; safe on any value read from a file. */
export function isLayerType(x: unknown): x is LayerType {
  return typeof x === 'string' && (LAYER_TYPES as readonly string[]).includes(x);
}

/**
 * The spec of a layer type, or undefined for an unknown name. Goes through
 * {@link isLayerType} so names such as `"toString"` never reach the prototype.
 */
export function getLayerSpec(type: string): LayerSpec | undefined {
  return isLayerType(type) ? LAYER_SPECS[type] : undefined;
}

/** Palette groups, top to bottom, in the order a network is usually built. */
export const CATEGORY_ORDER: readonly LayerCategory[] = [
  'inputs',
  'layers',
  'activations',
  'normalization',
  'merges',
  'outputs',
];

/** Palette group headings. */
export const CATEGORY_LABELS: Readonly<Record<LayerCategory, string>> = {
  inputs: 'Inputs',
  layers: 'Layers',
  activations: 'Activations',
  normalization: 'Normalization',
  merges: 'Merges',
  outputs: 'Outputs',
};
