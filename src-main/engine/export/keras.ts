/**
 * The Keras JSON folders Backflow exported before its Keras 3 `.keras`
 * export (keras3.ts): `model.json` holds the model topology as Keras 2's
 * `model.to_json()` writes it (what `tf.models.modelFromJSON` and Keras 2's
 * `model_from_json` read), and `weights.safetensors` the weights keyed by
 * their Keras names (`d1/kernel`, `bn/moving_mean`). Import still reads such
 * folders; the writer stays so that path stays tested.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../backend/tf';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors';
import { writeAtomically } from './save-tfjs';

type LayersModel = ReturnType<typeof tf.model>;

/** File names inside a Keras export folder. */
export const KERAS_FILES = { model: 'model.json', weights: 'weights.safetensors' } as const;

/**
 * Writes `model`'s topology and weights into `dir` (created if missing).
 * `backflow` (design name, seed, loss…) is stored as JSON in the weights
 * file's `__metadata__.backflow`.
 * Returns the paths written.
 */
export async function saveKerasModel(
  model: LayersModel,
  dir: string,
  backflow: Record<string, unknown> = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const topology = model.toJSON(null, false) as Record<string, unknown>;
  // Keras 2.4+ names a functional model "Functional"; tfjs reads both.
  topology.class_name = 'Functional';
  const values = model.getWeights();
  const tensors: SafeTensor[] = model.weights.map((w, i) => ({
    name: w.originalName,
    dtype: 'F32',
    shape: w.shape as number[],
    data: values[i].dataSync() as Float32Array,
  }));
  const weights = encodeSafetensors(tensors, {
    format: 'keras',
    generator: 'Backflow',
    weight_order: JSON.stringify(tensors.map((t) => t.name)),
    backflow: JSON.stringify(backflow),
  });
  const paths = [join(dir, KERAS_FILES.weights), join(dir, KERAS_FILES.model)];
  await writeAtomically(paths[0], weights);
  await writeAtomically(paths[1], `${JSON.stringify(topology, null, 2)}\n`);
  return paths;
}

/** Reads the Keras weights file: tensors by Keras name, and the Backflow metadata. */
export async function readKerasWeights(
  path: string,
): Promise<{ tensors: SafeTensor[]; backflow: Record<string, unknown> }> {
  const decoded = decodeSafetensors(new Uint8Array(await readFile(path)));
  let backflow: Record<string, unknown> = {};
  try {
    backflow = JSON.parse(decoded.metadata.backflow ?? '{}');
  } catch {
    // Metadata is informative only; a file written elsewhere may lack it.
  }
  return { tensors: decoded.tensors, backflow };
}

/**
 * Loads a folder written by {@link saveKerasModel}: the topology through
 * `tf.models.modelFromJSON`, then the weights by name when the file exists.
 */
export async function loadKerasModelFromDir(dir: string): Promise<LayersModel> {
  const topology = JSON.parse(await readFile(join(dir, KERAS_FILES.model), 'utf8'));
  const model = (await tf.models.modelFromJSON(topology)) as LayersModel;
  const weightsPath = join(dir, KERAS_FILES.weights);
  if (existsSync(weightsPath)) {
    const { tensors } = await readKerasWeights(weightsPath);
    const named = Object.fromEntries(
      tensors.map((t) => [t.name, tf.tensor(t.data as Float32Array, [...t.shape])]),
    );
    try {
      model.loadWeights(named);
    } finally {
      tf.dispose(Object.values(named));
    }
  }
  return model;
}
