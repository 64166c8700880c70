/**
 * Importing TensorFlow.js LayersModels, Keras JSON topologies, Keras 3
 * `.keras` archives, Keras 2 `.h5` models and ONNX models as Backflow designs (with their weights, for fine-tuning): the engine API behind
 * `backflow import` and the app's File → Import.
 */
export { BINARY_MODEL_EXTENSIONS, importModelFile } from './files';
export type { ImportFailure, ImportResult } from './files';
export { importKerasGraph } from './import-model';
export type { ImportedModel, ImportOptions, NamedWeights } from './import-model';
export { ImportError, readKerasGraph } from './keras-topology';
export type { KerasGraph, KerasLayer } from './keras-topology';
export { SUPPORTED_LAYERS } from './layer-map';
export { decodeWeightValues, encodeWeightValues, readWeightValues, writeWeightValues } from './weight-file';
