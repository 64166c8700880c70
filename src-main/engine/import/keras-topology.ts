/**
 * Reading a Keras model topology — the `modelTopology` of a TensorFlow.js
 * `model.json`, or what Keras's `model.to_json()` writes (Keras 2 and 3) —
 * into a flat list of layers with their inputs by name, whatever the model
 * kind (Sequential or functional).
 */

/** One layer of the model, its inputs named in call order. */
export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inputs: string[];
}

/** A model as a graph of layers, in file order, with its single input and output. */
export interface KerasGraph {
  name: string;
  layers: KerasLayer[];
  input: string;
  output: string;
}

/** A topology Backflow cannot read; the message is for the user. */
export class ImportError extends Error {}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Finds the model config in a `model.json` (tfjs: `modelTopology`, maybe
 * with `model_config`) or a Keras JSON document, and reads its layers.
 */
export function readKerasGraph(document: unknown): KerasGraph {
  let topology: unknown =
    isRecord(document) && 'modelTopology' in document ? document.modelTopology : document;
  if (isRecord(topology) && isRecord(topology.model_config)) topology = topology.model_config;
  if (!isRecord(topology) || typeof topology.class_name !== 'string') {
    throw new ImportError(
      'not a TensorFlow.js or Keras model: expected a model.json with "modelTopology", or Keras JSON with "class_name" and "config"',
    );
  }
  const kind = topology.class_name;
  if (kind === 'Sequential') return sequential(topology.config);
  if (kind === 'Model' || kind === 'Functional') return functional(topology.config);
  throw new ImportError(
    `the model is a "${kind}"; Backflow imports Sequential and functional (Model) models`,
  );
}

function layerList(config: unknown): Json[] {
  // Keras 1 wrote a Sequential's config as the bare list of layers.
  const list = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(list) || !list.every(isRecord))
    throw new ImportError('the model config has no list of layers');
  return list;
}

function nameOf(layer: Json, fallback: string): string {
  const config = isRecord(layer.config) ? layer.config : {};
  const name = layer.name ?? config.name ?? fallback;
  return String(name);
}

function sequential(config: unknown): KerasGraph {
  const raw = layerList(config);
  const layers: KerasLayer[] = [];
  const first = raw[0];
  if (!first) throw new ImportError('the model has no layers');
  if (first.class_name !== 'InputLayer') {
    // tfjs and Keras 2 put the input shape on the first layer instead of an InputLayer.
    const firstConfig = isRecord(first.config) ? first.config : {};
    const shape = firstConfig.batch_input_shape ?? firstConfig.batch_shape;
    if (!Array.isArray(shape)) throw new ImportError('the Sequential model does not say its input shape');
    layers.push({ name: 'input', className: 'InputLayer', config: { batch_input_shape: shape }, inputs: [] });
  }
  for (const [i, layer] of raw.entries()) {
    const previous = layers.at(-1)?.name;
    layers.push({
      name: nameOf(layer, `layer_${i}`),
      className: String(layer.class_name),
      config: isRecord(layer.config) ? layer.config : {},
      inputs: previous ? [previous] : [],
    });
  }
  uniqueNames(layers);
  return { name: modelName(config), layers, input: layers[0].name, output: layers.at(-1)!.name };
}

function functional(config: unknown): KerasGraph {
  const raw = layerList(config);
  const layers = raw.map((layer, i) => {
    const inbound = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : [];
    if (inbound.length > 1) {
      throw new ImportError(
        `layer '${nameOf(layer, `layer_${i}`)}' is called ${inbound.length} times (shared weights); Backflow imports layers used once`,
      );
    }
    return {
      name: nameOf(layer, `layer_${i}`),
      className: String(layer.class_name),
      config: isRecord(layer.config) ? layer.config : {},
      inputs: inbound.length ? historyNames(inbound[0]) : [],
    };
  });
  uniqueNames(layers);
  const ends = (key: string): string[] => {
    const list = isRecord(config) ? config[key] : undefined;
    if (!Array.isArray(list)) return [];
    // [["in", 0, 0]] (Keras 2, tfjs) or ["in", 0, 0] (Keras 3, single input).
    const entries = typeof list[0] === 'string' ? [list] : list;
    return entries.map((entry) => String((entry as unknown[])[0]));
  };
  const inputs = ends('input_layers');
  const outputs = ends('output_layers');
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new ImportError(
      `the model has ${inputs.length} inputs and ${outputs.length} outputs; a Backflow design has exactly one of each`,
    );
  }
  return { name: modelName(config), layers, input: inputs[0], output: outputs[0] };
}

/**
 * The source layer names of one call, in argument order. Keras 2 and tfjs:
 * `[["a", 0, 0, {}], ["b", 0, 0, {}]]`; Keras 3: `{ args: [...], kwargs }`
 * with `{ class_name: "__keras_tensor__", config: { keras_history: ["a", 0, 0] } }`.
 */
function historyNames(call: unknown): string[] {
  if (Array.isArray(call) && call.every((c) => Array.isArray(c) && typeof c[0] === 'string')) {
    return call.map((c) => (c as string[])[0]);
  }
  const names: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (isRecord(value)) {
      const history = isRecord(value.config) ? value.config.keras_history : undefined;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else Object.values(value).forEach(walk);
    }
  };
  walk(isRecord(call) && 'args' in call ? call.args : call);
  return names;
}

function uniqueNames(layers: KerasLayer[]): void {
  const seen = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.name)) throw new ImportError(`two layers are named '${layer.name}'`);
    seen.add(layer.name);
  }
}

function modelName(config: unknown): string {
  return isRecord(config) && typeof config.name === 'string' ? config.name : 'Imported model';
}
