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
import { globalAveragePooling2dSpec } from './globalAveragePooling2d';
import { inputSpec } from './input';
import { layerNormalizationSpec } from './layerNormalization';
import { maxPooling2dSpec } from './maxPooling2d';
import { outputSpec } from './output';
import { reshapeSpec } from './reshape';
import type { Activation } from './activations';
import { validateParams, weightCount, type ParamIssue } from './params';
import { LAYER_TYPES } from './types';
import type { LayerCategory, LayerSpec, LayerType, ParamsOf, Shape, WeightSpec } from './types';

export * from './types';
export * from './activations';
export * from './initializers';
export * from './params';
export { LOSSES, UNKNOWN_WIDTH } from './output';
export type { LossName } from './output';
export { MERGE_ARITY } from './add';

/** Every layer type's spec, keyed by its design-file name; each keeps its own params type. */
export const LAYER_SPECS = Object.freeze({
  input: inputSpec,
  dense: denseSpec,
  conv2d: conv2dSpec,
  maxPooling2d: maxPooling2dSpec,
  averagePooling2d: averagePooling2dSpec,
  globalAveragePooling2d: globalAveragePooling2dSpec,
  flatten: flattenSpec,
  reshape: reshapeSpec,
  dropout: dropoutSpec,
  activation: activationSpec,
  batchNormalization: batchNormalizationSpec,
  layerNormalization: layerNormalizationSpec,
  add: addSpec,
  concatenate: concatenateSpec,
  output: outputSpec,
}) satisfies Readonly<Record<LayerType, LayerSpec>>;

/** The validated params of a layer of type `T`, typed by its spec's schema. */
export type LayerParams<T extends LayerType> = ParamsOf<(typeof LAYER_SPECS)[T]['params']>;

/**
 * A layer type with its validated params, as a union discriminated by `type`:
 * `switch (layer.type) { case 'dense': layer.params.units … }` reads a number.
 */
export type TypedLayer = {
  [T in LayerType]: { readonly type: T; readonly params: LayerParams<T> };
}[LayerType];

/**
 * Validates `raw` against `type`'s schema (defaults filled) and returns the
 * typed layer, or the issues found. The only place a type and its params are
 * paired, so the union above can be trusted wherever it is read.
 */
export function validateLayer(
  type: LayerType,
  raw: unknown,
): { ok: true; layer: TypedLayer } | { ok: false; issues: ParamIssue[] } {
  const result = validateParams(getSpec(type), raw);
  // validateParams checked `raw` against the schema of this very type, which is what TypedLayer pairs.
  return result.ok ? { ok: true, layer: { type, params: result.params } as TypedLayer } : result;
}

/** The catalogue entry of `type`, seen through the common (untyped-params) interface. */
function getSpec(type: LayerType): LayerSpec {
  return LAYER_SPECS[type];
}

/** The weights `layer` holds for these input shapes and (inferred) output shape. */
export function layerWeights(layer: TypedLayer, inputs: readonly Shape[], output: Shape): WeightSpec[] {
  return getSpec(layer.type).weights(inputs, layer.params, output);
}

/** How many numbers `layer` stores: the sum over {@link layerWeights}. */
export function paramCount(layer: TypedLayer, inputs: readonly Shape[], output: Shape): number {
  return weightCount(layerWeights(layer, inputs, output));
}

/**
 * The nonlinearity a layer applies itself (dense, conv2d, activation), for
 * saturation and dead-unit statistics; undefined for every other layer,
 * `output` included (its logits go to the loss).
 */
export function activationOf(layer: TypedLayer): Activation | undefined {
  return 'activation' in layer.params ? layer.params.activation : undefined;
}

/** True when `x` is one of the {@link LAYER_TYPES}; safe on any value read from a file. */
export function isLayerType(x: unknown): x is LayerType {
  return typeof x === 'string' && (LAYER_TYPES as readonly string[]).includes(x);
}

/**
 * The spec of a layer type, or undefined for an unknown name. Goes through
 * {@link isLayerType} so names such as `"toString"` never reach the prototype.
 */
export function getLayerSpec(type: string): LayerSpec | undefined {
  return isLayerType(type) ? getSpec(type) : undefined;
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
