/**
 * Reading Keras's binary model files into what the importer takes (a model
 * config as Keras JSON, weights keyed `<layer>/<weight>`):
 *
 * - a Keras 3 `.keras` archive: `config.json`, and `model.weights.h5` whose
 *   groups `layers/<class>[_k]/vars/<i>` are matched to layers by the `name`
 *   attribute Keras 3.15 writes, or else by position, as Keras's loader does:
 *   the model's layers in config order (a Sequential's InputLayer is not one
 *   of them), numbered per class in snake case;
 * - a Keras 2 (or Keras 3 legacy) `.h5` model: the `model_config` attribute,
 *   and `model_weights/<layer>` groups listing their datasets in the
 *   `weight_names` attribute (`dense/kernel:0`).
 */
import { MAX_WEIGHTS_BYTES } from '../../../src-shared/weights-file';
import { readHdf5, type H5AttrValue, type H5Group, type H5Node } from '../export/hdf5';
import { KERAS3_MEMBERS, layerPaths } from '../export/keras3';
import type { NamedWeights } from './import-model';
import { ImportError, type KerasGraph } from './keras-topology';
import { readZip } from './zip-read';

/** A Keras file's model: its config document, weights and whatever the file says about training. */
export interface KerasFileModel {
  /** The model config (`{ class_name, config }`), as readKerasGraph takes it. */
  document?: Record<string, unknown>;
  /** The layer graph itself, for a format read straight into one (ONNX). */
  graph?: KerasGraph;
  /** What the user should know about the conversion. */
  warnings?: string[];
  /** The weights, matched to the config's layers (called once the topology is known to import). */
  weights: () => NamedWeights;
  /** Backflow's metadata (Backflow's own exports), else {}. */
  metadata: Record<string, unknown>;
  /** The loss Keras's training config names, if any. */
  kerasLoss?: string;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The variables each layer class stores, in the order it creates them (`vars/0`, `vars/1`, …). */
function variableNames(className: string, config: Json): string[] {
  switch (className) {
    case 'Dense':
    case 'Conv2D':
      return config.use_bias === false ? ['kernel'] : ['kernel', 'bias'];
    case 'BatchNormalization':
      return [
        ...(config.scale === false ? [] : ['gamma']),
        ...(config.center === false ? [] : ['beta']),
        'moving_mean',
        'moving_variance',
      ];
    case 'LayerNormalization':
      return [...(config.scale === false ? [] : ['gamma']), ...(config.center === false ? [] : ['beta'])];
    default:
      return [];
  }
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ImportError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

const child = (group: H5Group | undefined, name: string): H5Node | undefined => group?.members.get(name);
const asGroup = (node: H5Node | undefined): H5Group | undefined =>
  node?.kind === 'group' ? node : undefined;

/** Reads a Keras 3 `.keras` archive. */
export async function readKerasArchive(bytes: Uint8Array): Promise<KerasFileModel> {
  let members;
  try {
    members = readZip(bytes, MAX_WEIGHTS_BYTES);
  } catch (error) {
    throw new ImportError(`not a Keras 3 .keras archive: ${(error as Error).message}`);
  }
  const config = members.get(KERAS3_MEMBERS.config);
  if (!config) throw new ImportError('the .keras archive has no config.json');
  const document = parseJson(config.read(), 'config.json');
  if (!isRecord(document)) throw new ImportError('config.json does not hold a model config');
  const metadataMember = members.get(KERAS3_MEMBERS.metadata);
  const metadata = metadataMember ? parseJson(metadataMember.read(), 'metadata.json') : {};
  const backflow = isRecord(metadata) && isRecord(metadata.backflow) ? metadata.backflow : {};
  const compile = isRecord(document.compile_config) ? document.compile_config : {};
  const kerasLoss = typeof compile.loss === 'string' ? compile.loss : undefined;
  const weightsMember = members.get(KERAS3_MEMBERS.weights);
  if (!weightsMember) {
    const npz = members.has('model.weights.npz');
    throw new ImportError(
      npz
        ? 'the .keras archive keeps its weights as model.weights.npz; Backflow reads model.weights.h5 (save with the default weights format)'
        : 'the .keras archive has no model.weights.h5',
    );
  }
  const tree = await readTree(weightsMember.read(), 'model.weights.h5');
  return { document, weights: () => archiveWeights(document, tree), metadata: backflow, kerasLoss };
}

async function readTree(bytes: Uint8Array, what: string): Promise<H5Group> {
  try {
    return await readHdf5(bytes);
  } catch (error) {
    throw new ImportError(`${what} cannot be read: ${(error as Error).message}`);
  }
}

/** The weights of a `.keras` file, keyed `<layer name>/<variable name>`. */
function archiveWeights(document: Json, tree: H5Group): NamedWeights {
  const inner = isRecord(document.config) ? document.config : {};
  const raw = Array.isArray(inner.layers) ? inner.layers.filter(isRecord) : [];
  const sequential = document.class_name === 'Sequential';
  const layers = raw
    .map((l) => ({
      className: String(l.class_name),
      config: isRecord(l.config) ? l.config : {},
      name: String(l.name ?? (isRecord(l.config) ? l.config.name : '')),
    }))
    .filter((l, i) => !(sequential && i === 0 && l.className === 'InputLayer'));
  const listed = asGroup(child(tree, 'layers'));
  // Keras 3.15 names each layer's vars group; older files are matched by position.
  const byName = new Map<string, H5Group>();
  for (const group of listed?.members.values() ?? []) {
    const vars = asGroup(child(asGroup(group), 'vars'));
    if (typeof vars?.attrs?.name === 'string') byName.set(vars.attrs.name, vars);
  }
  const paths = layerPaths(layers.map((l) => l.className));
  const out = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  layers.forEach((layer, i) => {
    const names = variableNames(layer.className, layer.config);
    if (!names.length) return;
    const vars =
      byName.get(layer.name) ??
      asGroup(child(asGroup(child(listed, paths[i].slice('layers/'.length))), 'vars'));
    if (!vars) {
      throw new ImportError(
        `model.weights.h5 has no weights for layer '${layer.name}' (${layer.className}) at ${paths[i]}/vars`,
      );
    }
    names.forEach((name, k) => {
      const dataset = child(vars, String(k));
      if (dataset?.kind !== 'dataset') {
        throw new ImportError(
          `model.weights.h5 has no ${paths[i]}/vars/${k} (the ${name} of layer '${layer.name}')`,
        );
      }
      out.set(`${layer.name}/${name}`, { shape: dataset.shape, values: dataset.values });
    });
  });
  return out;
}

/** A Keras 2 string attribute (stored as bytes or a string), or a list of them, possibly chunked (`name0`, `name1`…). */
function stringList(attrs: Record<string, H5AttrValue> | undefined, name: string): string[] {
  const read = (value: H5AttrValue | undefined): string[] =>
    value === undefined || value === null ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
  if (attrs && name in attrs) return read(attrs[name]);
  const chunks: string[] = [];
  for (let k = 0; attrs && `${name}${k}` in attrs; k++) chunks.push(...read(attrs[`${name}${k}`]));
  return chunks;
}

/** Reads a Keras 2 `.h5` model file. */
export async function readKerasH5(bytes: Uint8Array): Promise<KerasFileModel> {
  const tree = await readTree(bytes, 'the .h5 file');
  const configText = tree.attrs?.model_config;
  if (typeof configText !== 'string') {
    throw new ImportError(
      tree.members.has('model_weights') || tree.members.has('layers') || tree.attrs?.layer_names
        ? 'the .h5 file holds weights only (save_weights), with no model_config: save the whole model (model.save) to import it'
        : 'the .h5 file is not a Keras model: it has no model_config attribute',
    );
  }
  const document = parseJson(new TextEncoder().encode(configText), 'the model_config attribute');
  if (!isRecord(document)) throw new ImportError('the model_config attribute does not hold a model config');
  const training =
    typeof tree.attrs?.training_config === 'string'
      ? parseJson(new TextEncoder().encode(tree.attrs.training_config), 'the training_config attribute')
      : undefined;
  const kerasLoss = isRecord(training) && typeof training.loss === 'string' ? training.loss : undefined;
  return { document, weights: () => h5Weights(tree), metadata: {}, kerasLoss };
}

/** A Keras 2 file's `model_weights`, keyed `<layer name>/<weight name>` (`:0` dropped). */
function h5Weights(tree: H5Group): NamedWeights {
  const group = asGroup(child(tree, 'model_weights'));
  const out = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  for (const layerName of group ? stringList(group.attrs, 'layer_names') : []) {
    const layer = asGroup(child(group, layerName));
    for (const weightName of stringList(layer?.attrs, 'weight_names')) {
      let node: H5Node | undefined = layer;
      for (const part of weightName.split('/')) node = child(asGroup(node), part);
      if (node?.kind !== 'dataset') {
        throw new ImportError(
          `the .h5 file lists weight '${weightName}' of layer '${layerName}' but does not hold it`,
        );
      }
      const base = weightName.split('/').at(-1)!.replace(/:\d+$/, '');
      out.set(`${layerName}/${base}`, { shape: node.shape, values: node.values });
    }
  }
  return out;
}
