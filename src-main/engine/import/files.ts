/**
 * Importing a model from disk: a TensorFlow.js `model.json` with its weight
 * files, a Keras JSON topology (with Backflow's `weights.safetensors` beside
 * it when it came from an older Backflow Keras export), a Keras 3 `.keras`
 * archive, a Keras 2 `.h5` model or an ONNX model.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LOSSES, type LossName } from '../../../src-shared/layers';
import { tf } from '../backend/tf';
import { MAX_WEIGHTS_BYTES } from '../../../src-shared/weights-file';
import { KERAS_FILES, readKerasWeights } from '../export/keras';
import { importKerasGraph, type ImportedModel, type NamedWeights } from './import-model';
import { readKerasArchive, readKerasH5, type KerasFileModel } from './keras-files';
import { ImportError, readKerasGraph } from './keras-topology';
import { onnxToKeras } from './onnx-graph';
import { readOnnxModel } from './onnx-read';

/** Largest model.json read: topologies are small; a bigger file is not one. */
const MAX_TOPOLOGY_BYTES = 64 * 1024 * 1024;

/** Why an import failed: the file could not be read, or the model cannot become a design. */
export interface ImportFailure {
  type: 'file' | 'model';
  message: string;
}

export type ImportResult = { ok: true; value: ImportedModel } | { ok: false; error: ImportFailure };

const KERAS_LOSSES: Record<string, LossName> = {
  categorical_crossentropy: 'softmaxCrossEntropy',
  sparse_categorical_crossentropy: 'softmaxCrossEntropy',
  binary_crossentropy: 'sigmoidCrossEntropy',
  mse: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
};

/** The binary model formats, by file extension. */
const BINARY_READERS: Record<string, (bytes: Uint8Array) => Promise<KerasFileModel>> = {
  '.keras': readKerasArchive,
  '.h5': readKerasH5,
  '.hdf5': readKerasH5,
  '.onnx': readOnnx,
};

/** An ONNX model, read as the Keras-style layer graph its operators amount to (onnx-graph.ts). */
async function readOnnx(bytes: Uint8Array): Promise<KerasFileModel> {
  let model;
  try {
    model = readOnnxModel(bytes);
  } catch (error) {
    throw new ImportError(`not an ONNX model Backflow can read: ${(error as Error).message}`);
  }
  const converted = onnxToKeras(model);
  return {
    graph: converted.graph,
    weights: () => converted.weights,
    metadata: {
      ...(converted.loss ? { loss: converted.loss } : {}),
      ...(converted.name ? { design: converted.name } : {}),
    },
    warnings: converted.warnings,
  };
}

/** The model file extensions `importModelFile` reads (besides `.json`). */
export const BINARY_MODEL_EXTENSIONS = Object.keys(BINARY_READERS);

/** Reads and imports the model at `path`; never throws. */
export async function importModelFile(path: string): Promise<ImportResult> {
  const extension = /\.[^./]+$/.exec(path.toLowerCase())?.[0] ?? '';
  const reader = Object.hasOwn(BINARY_READERS, extension) ? BINARY_READERS[extension] : undefined;
  if (reader) return importBinary(path, reader);
  let document: Record<string, unknown>;
  try {
    const info = await stat(path);
    if (info.size > MAX_TOPOLOGY_BYTES)
      throw new Error(`it is ${info.size} bytes, too large for a model topology`);
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return {
      ok: false,
      error: { type: 'file', message: `cannot read ${path}: ${(error as Error).message}` },
    };
  }
  try {
    const graph = readKerasGraph(document);
    const dir = dirname(resolve(path));
    let weights: NamedWeights | undefined;
    let metadata: Record<string, unknown> = {};
    if (document && Array.isArray(document.weightsManifest)) {
      weights = await readTfjsWeights(dir, document.weightsManifest);
      metadata = backflowMetadata(document.userDefinedMetadata);
    } else if (existsSync(join(dir, KERAS_FILES.weights))) {
      const keras = await readKerasWeights(join(dir, KERAS_FILES.weights));
      weights = new Map(
        keras.tensors.map((t) => [t.name, { shape: t.shape, values: t.data as Float32Array }]),
      );
      metadata = keras.backflow;
    }
    const loss = lossOf(metadata.loss) ?? lossOf(trainingLoss(document));
    // Backflow's own export keeps the design's name; the model's name is that name made safe for Keras.
    const name = typeof metadata.design === 'string' && metadata.design.trim() ? metadata.design : undefined;
    return { ok: true, value: importKerasGraph(graph, weights, { loss, name }) };
  } catch (error) {
    if (error instanceof ImportError) return { ok: false, error: { type: 'model', message: error.message } };
    return { ok: false, error: { type: 'file', message: `${path}: ${(error as Error).message}` } };
  }
}

/** Imports a `.keras` or `.h5` model; never throws. */
async function importBinary(
  path: string,
  reader: (bytes: Uint8Array) => Promise<KerasFileModel>,
): Promise<ImportResult> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.size > MAX_WEIGHTS_BYTES)
      throw new Error(`it is ${info.size} bytes, more than the ${MAX_WEIGHTS_BYTES >> 20} MB a model may be`);
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    return {
      ok: false,
      error: { type: 'file', message: `cannot read ${path}: ${(error as Error).message}` },
    };
  }
  try {
    const { document, graph: given, weights, metadata, kerasLoss, warnings = [] } = await reader(bytes);
    const graph = given ?? readKerasGraph(document);
    const loss =
      lossOf(metadata.loss) ?? lossOf(kerasLoss ? (KERAS_LOSSES[kerasLoss] ?? kerasLoss) : undefined);
    const name = typeof metadata.design === 'string' && metadata.design.trim() ? metadata.design : undefined;
    // The layers first: an unsupported one is the problem to report, not the weights it would have had.
    importKerasGraph(graph, undefined, { loss, name });
    const value = importKerasGraph(graph, weights(), { loss, name });
    return { ok: true, value: { ...value, warnings: [...warnings, ...value.warnings] } };
  } catch (error) {
    if (error instanceof ImportError) return { ok: false, error: { type: 'model', message: error.message } };
    return { ok: false, error: { type: 'file', message: `${path}: ${(error as Error).message}` } };
  }
}

/**
 * The weights of a tfjs model.json: every group's files, concatenated in
 * manifest order, decoded by tfjs (which also dequantizes). Paths must stay
 * inside the model's folder.
 */
async function readTfjsWeights(dir: string, manifest: unknown[]): Promise<NamedWeights> {
  const buffers: Uint8Array[] = [];
  const specs: Parameters<typeof tf.io.decodeWeights>[1] = [];
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) {
      throw new ImportError('the weightsManifest of model.json is malformed');
    }
    for (const file of group.paths) {
      const target = resolve(dir, String(file));
      const inside = relative(dir, target);
      if (inside.startsWith('..') || isAbsolute(inside)) {
        throw new ImportError(`the weights file "${String(file)}" is outside the model's folder`);
      }
      buffers.push(new Uint8Array(await readFile(target)));
    }
    specs.push(...group.weights);
  }
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const joined = new Uint8Array(total);
  buffers.reduce((at, b) => (joined.set(b, at), at + b.length), 0);
  const tensors = tf.io.decodeWeights(joined.buffer, specs);
  try {
    return new Map(
      Object.entries(tensors).map(([name, t]) => [
        name,
        { shape: t.shape, values: Float32Array.from(t.dataSync() as ArrayLike<number>) },
      ]),
    );
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

function backflowMetadata(value: unknown): Record<string, unknown> {
  const backflow = (value as { backflow?: unknown } | undefined)?.backflow;
  return backflow && typeof backflow === 'object' ? (backflow as Record<string, unknown>) : {};
}

function trainingLoss(document: Record<string, unknown>): unknown {
  const topology = document.modelTopology as Record<string, unknown> | undefined;
  const config = (document.trainingConfig ?? topology?.training_config) as { loss?: unknown } | undefined;
  const loss = config?.loss;
  return typeof loss === 'string' ? (KERAS_LOSSES[loss] ?? loss) : undefined;
}

function lossOf(value: unknown): LossName | undefined {
  return (LOSSES as readonly string[]).includes(value as string) ? (value as LossName) : undefined;
}
