/**
 * Writing a LayersModel as `model.json` + `weights.bin` in a folder, the
 * layout `tf.loadLayersModel('file://…/model.json')` (tfjs-node) and
 * `tf.loadLayersModel('http://…/model.json')` (browsers) read. The native
 * `file://` handler is not available without tfjs-node, so the files are
 * written here.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../backend/tf';

type LayersModel = ReturnType<typeof tf.model>;
type ModelArtifacts = Parameters<Parameters<typeof tf.io.withSaveHandler>[0]>[0];

export const WEIGHTS_FILE = 'weights.bin';

/** Saves `model` into `dir` (created if missing). Each file is written then renamed, so a crash never leaves half a file. */
export async function saveLayersModel(
  model: LayersModel,
  dir: string,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  let artifacts: ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const saved = artifacts!;
  const weightData = saved.weightData as ArrayBuffer;
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'Backflow',
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: saved.weightSpecs }],
    userDefinedMetadata: metadata,
  };
  await writeAtomically(join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
  await writeAtomically(join(dir, 'model.json'), JSON.stringify(modelJson, null, 2) + '\n');
}

/** Reads a folder written by {@link saveLayersModel} back into a LayersModel. */
export async function loadLayersModelFromDir(dir: string): Promise<LayersModel> {
  const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const weights = await readFile(join(dir, WEIGHTS_FILE));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData,
    }),
  );
}

/** Writes a file through a temporary name and a rename, so a crash never leaves half a file. */
export async function writeAtomically(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
