/**
 * Keras 3 export: one `model.keras` archive, laid out as Keras 3's
 * `model.save("model.keras")` writes it (keras/src/saving/saving_lib.py): a
 * zip of `metadata.json`, `config.json` (keras3-config.ts) and
 * `model.weights.h5`, stored uncompressed, in that order.
 *
 * The weights file follows Keras's H5IOStore: one group per saveable object
 * at the path Keras walks to it. A Functional model's layers sit in its
 * `layers` list, and Keras names a list's entries by their class in snake
 * case, numbered on repeats (`layers/dense`, `layers/dense_1`,
 * `layers/batch_normalization`), never by the layer's own name; each holds a
 * `vars` group with the variables as datasets `0`, `1`, … in the order the
 * layer created them (kernel, bias; gamma, beta, moving_mean,
 * moving_variance), and the `name` attribute Keras 3.15 adds. The model's
 * own `vars` group sits at the top. An uncompiled model has no `optimizer`
 * group, and Backflow exports none: the optimizer state of a run is not part
 * of a design.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createZip } from '../../../src-shared/zip';
import { snapshotWeights, type Network } from '../model/network';
import { group, groupAt, writeHdf5, type H5Group } from './hdf5';
import { keras3Model, type Keras3Layer } from './keras3-config';
import { writeAtomically } from './save-tfjs';

/** The file a Keras export writes, and the members of the archive. */
export const KERAS3_FILE = 'model.keras';
export const KERAS3_MEMBERS = {
  metadata: 'metadata.json',
  config: 'config.json',
  weights: 'model.weights.h5',
} as const;

/**
 * The Keras version whose layout the archive reproduces (the `name`
 * attribute on `vars` groups appeared in 3.15; earlier 3.x releases read
 * the file the same way and ignore it).
 */
export const KERAS3_VERSION = '3.15.0';

/** What the archive's metadata.json records besides Keras's own fields. */
export interface Keras3Info {
  designName: string;
  seed: number;
  trained: boolean;
  loss: string;
}

/** Keras's `naming.to_snake_case`: `BatchNormalization` → `batch_normalization`, `LeakyReLU` → `leaky_re_lu`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The H5 group path of each layer, in `model.layers` order: the snake-case
 * class name, with `_1`, `_2`… on repeats (saving_lib's `_get_unique_name`).
 */
export function layerPaths(classNames: readonly string[]): string[] {
  const used = new Map<string, number>();
  return classNames.map((className) => {
    const base = toSnakeCase(className);
    const seen = used.get(base);
    used.set(base, seen === undefined ? 0 : seen + 1);
    return `layers/${seen === undefined ? base : `${base}_${seen + 1}`}`;
  });
}

/** The weights file's tree: each layer's `vars` with its variables, then the model's own `vars`. */
function weightsTree(network: Network, layers: Keras3Layer[], modelName: string): H5Group {
  const values = snapshotWeights(network);
  const root = group();
  const paths = layerPaths(layers.map((l) => l.className));
  layers.forEach((layer, i) => {
    const vars = groupAt(root, `${paths[i]}/vars`);
    vars.attrs = { name: layer.name };
    layer.roles.forEach((role, k) => {
      const found = values.get(`${layer.nodeId}/${role}`);
      if (!found) throw new Error(`node "${layer.nodeId}" has no ${role}`);
      vars.members.set(String(k), { kind: 'dataset', shape: found.shape, values: found.values });
    });
  });
  root.members.set('vars', group({ name: modelName }));
  return root;
}

/** Keras's `date_saved`: local time as `%Y-%m-%d@%H:%M:%S`. */
function dateSaved(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
    `@${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}

/** The `.keras` archive's bytes. */
export async function keras3Archive(
  network: Network,
  modelName: string,
  info: Keras3Info,
  date = new Date(),
): Promise<Uint8Array> {
  const { config, layers } = keras3Model(network, modelName);
  const metadata = {
    keras_version: KERAS3_VERSION,
    date_saved: dateSaved(date),
    // Keras reads neither key; Backflow's import reads `backflow` back (the loss, the design's name).
    generator: 'Backflow',
    backflow: { design: info.designName, seed: info.seed, trained: info.trained, loss: info.loss },
  };
  const weights = await writeHdf5(weightsTree(network, layers, modelName));
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  return createZip(
    [
      { name: KERAS3_MEMBERS.metadata, bytes: text(metadata) },
      { name: KERAS3_MEMBERS.config, bytes: text(config) },
      { name: KERAS3_MEMBERS.weights, bytes: weights },
    ],
    date,
  );
}

/** Writes `model.keras` into `dir` (created if missing); returns its path. */
export async function saveKeras3Model(
  network: Network,
  dir: string,
  modelName: string,
  info: Keras3Info,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, KERAS3_FILE);
  await writeAtomically(path, await keras3Archive(network, modelName, info));
  return [path];
}
