/**
 * Importing TensorFlow.js LayersModels and Keras JSON topologies as Backflow
 * designs (with their weights, for fine-tuning): the engine API behind
 * `backflow import` and the app's File → Import.
 */
export { importModelFile } from './files';
export type { ImportFailure, ImportResult } from './files';
export { importKerasGraph } from './import-model';
export type { ImportedModel, ImportOptions, NamedWeights } from './import-model';
export { ImportError, readKerasGraph } from './keras-topology';
export type { KerasGraph, KerasLayer } from './keras-topology';
export { SUPPORTED_LAYERS } from './layer-map';
export { decodeWeightValues, encodeWeightValues, readWeightValues, writeWeightValues } from './weight-file';
