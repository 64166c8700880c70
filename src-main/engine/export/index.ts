/**
 * Exporting a network, the engine API behind `backflow export` and the app's
 * File → Export: TensorFlow.js LayersModel, Keras 3 `.keras`, PyTorch or ONNX,
 * with the network's current weights (initial, or trained); and Backflow's
 * own weights file, which the app keeps with a finished run.
 */
import type { Design } from '../../../src-shared/design/types';
import type { EngineExportFormat } from '../../../src-shared/protocol';
import type { GraphAnalysis } from '../../../src-shared/graph';
import {
  buildNetwork,
  outputNode,
  readWeightsAhead,
  snapshotWeights,
  type Network,
  type WeightValues,
} from '../model/network';
import { writeWeightValues } from '../import/weight-file';
import { saveKeras3Model } from './keras3';
import { toLayersModel } from './layers-model';
import { saveOnnxModel } from './onnx';
import { savePytorchModel } from './pytorch';
import { saveLayersModel, WEIGHTS_FILE } from './save-tfjs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The file of a `weights` export. */
export const WEIGHTS_EXPORT_FILE = 'weights.safetensors';

/** What the export records about where the weights came from. */
export interface ExportInfo {
  designName: string;
  /** The seed the initial weights were drawn with. */
  seed: number;
  /** True when the weights are a training run's, not the initial ones. */
  trained: boolean;
}

/** The files an export wrote. */
export interface ExportResult {
  format: EngineExportFormat;
  dir: string;
  files: string[];
}

/**
 * Writes `network` with its current weights into `dir` (created if missing).
 * The network is left untouched: the caller still owns and disposes it.
 */
export async function exportNetwork(
  network: Network,
  format: EngineExportFormat,
  dir: string,
  info: ExportInfo,
): Promise<ExportResult> {
  // WebGPU reads only asynchronously: every format below reads the weights synchronously.
  await readWeightsAhead(network);
  if (format === 'pytorch') {
    return { format, dir, files: await savePytorchModel(network, dir, info) };
  }
  if (format === 'onnx') return { format, dir, files: await saveOnnxModel(network, dir, info) };
  const loss = outputNode(network).params.loss;
  if (format === 'keras') {
    const keras = { ...info, loss };
    return { format, dir, files: await saveKeras3Model(network, dir, modelName(info.designName), keras) };
  }
  if (format === 'weights') {
    await mkdir(dir, { recursive: true });
    const path = join(dir, WEIGHTS_EXPORT_FILE);
    await writeWeightValues(path, snapshotWeights(network));
    return { format, dir, files: [path] };
  }
  const backflow = { design: info.designName, seed: info.seed, trained: info.trained, loss };
  const model = toLayersModel(network, modelName(info.designName));
  try {
    await saveLayersModel(model, dir, { backflow });
    return { format, dir, files: [join(dir, WEIGHTS_FILE), join(dir, 'model.json')] };
  } finally {
    model.dispose();
  }
}

/**
 * Builds `design` with the initial weights `seed` draws (or `initialWeights`)
 * and exports it; the network is freed afterwards. `analysis` must come from
 * analyzeGraph with the data's shapes and say the design is trainable.
 */
export async function exportDesign(
  design: Design,
  analysis: GraphAnalysis,
  seed: number,
  format: EngineExportFormat,
  dir: string,
  options: { initialWeights?: WeightValues } = {},
): Promise<ExportResult> {
  const network = buildNetwork(design, analysis, seed, options);
  try {
    return await exportNetwork(network, format, dir, {
      designName: design.name,
      seed,
      trained: false,
    });
  } finally {
    network.dispose();
  }
}

/** A tfjs model name from the design name (letters, digits, `_`), like the CLI's run folders. */
function modelName(designName: string): string {
  const name = designName.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z]/.test(name) ? name.slice(0, 64) : `backflow_${name}`.slice(0, 64);
}
