/**
 * A Keras layer graph (see keras-topology.ts) as a Backflow design, plus its
 * weights keyed `nodeId/role` when the model came with them. The model's last
 * Dense layer becomes the `output` node; a trailing softmax or sigmoid (on the
 * layer or as an Activation after it) becomes its loss.
 */
import { parseDesign, type Design } from '../../../src-shared/design';
import { analyzeGraph, type GraphAnalysis } from '../../../src-shared/graph';
import { layerWeights, type LossName } from '../../../src-shared/layers';
import type { WeightRole } from '../../../src-shared/layers/types';
import type { WeightValues } from '../model/network';
import { KERAS_WEIGHT_NAME } from '../export/naming';
import { guessData } from './guess-data';
import { ImportError, type KerasGraph, type KerasLayer } from './keras-topology';
import { mapInitializer, mapLayer, type MappedLayer } from './layer-map';

/** Weights as read from a model file, keyed by their Keras name (`d1/kernel`). */
export type NamedWeights = ReadonlyMap<string, { shape: readonly number[]; values: Float32Array }>;

/** An imported model. */
export interface ImportedModel {
  design: Design;
  /** The model's weights keyed `nodeId/role`, for createTrainer's `initialWeights`; absent without weights. */
  weights?: WeightValues;
  /** Things the user should know: the guessed data set, why the design cannot train yet. */
  warnings: string[];
}

/** Options of {@link importKerasGraph}. */
export interface ImportOptions {
  /** The output node's loss, when the file says it (Backflow metadata, Keras training config). */
  loss?: LossName;
  /** The design's name; defaults to the model's. */
  name?: string;
}

const SPLIT_SUFFIX = '_leakyRelu';
const FINAL_ACTIVATIONS = ['softmax', 'sigmoid', 'linear'];

/** Builds the design (and weights) of `graph`; throws ImportError with a message for the user. */
export function importKerasGraph(
  graph: KerasGraph,
  weights: NamedWeights | undefined,
  options: ImportOptions = {},
): ImportedModel {
  let layers = [...graph.layers];
  const byName = new Map(layers.map((l) => [l.name, l]));
  let output = graph.output;
  const consumers = (name: string) => layers.filter((l) => l.inputs.includes(name));
  const drop = (gone: KerasLayer, into: string) => {
    layers = layers
      .filter((l) => l !== gone)
      .map((l) => ({ ...l, inputs: l.inputs.map((i) => (i === gone.name ? into : i)) }));
    if (output === gone.name) output = into;
  };
  // Backflow's own export writes a leakyRelu dense/conv as the layer plus `<id>_leakyRelu`: fold it back.
  const leaky = new Map<string, number>();
  for (const layer of graph.layers) {
    const base = byName.get(layer.name.slice(0, -SPLIT_SUFFIX.length));
    if (layer.className !== 'LeakyReLU' || !layer.name.endsWith(SPLIT_SUFFIX) || !base) continue;
    const linear = (base.config.activation ?? 'linear') === 'linear';
    const only =
      consumers(base.name).length === 1 && layer.inputs.length === 1 && layer.inputs[0] === base.name;
    if (!['Dense', 'Conv2D'].includes(base.className) || !linear || !only) continue;
    leaky.set(base.name, Number(layer.config.alpha ?? layer.config.negative_slope ?? 0.3));
    drop(layer, base.name);
  }
  // A final Activation('softmax' | 'sigmoid') after a linear Dense is the output's loss.
  let finalActivation: string | undefined;
  const last = layers.find((l) => l.name === output)!;
  const isActivation = last.className === 'Activation' || last.className === 'Softmax';
  if (isActivation && last.inputs.length === 1) {
    const activation = last.className === 'Softmax' ? 'softmax' : String(last.config.activation ?? 'linear');
    const dense = layers.find((l) => l.name === last.inputs[0]);
    const linearDense = dense?.className === 'Dense' && (dense.config.activation ?? 'linear') === 'linear';
    if (FINAL_ACTIVATIONS.includes(activation) && linearDense && consumers(dense.name).length === 1) {
      finalActivation = activation;
      drop(last, dense.name);
    }
  }
  const outputLayer = layers.find((l) => l.name === output)!;
  if (outputLayer.className !== 'Dense') {
    throw new ImportError(
      `the model ends in layer '${outputLayer.name}' (${outputLayer.className}); Backflow designs end in a Dense layer (the output node, with its loss)`,
    );
  }
  finalActivation ??= String(outputLayer.config.activation ?? 'linear');
  const units = Number(outputLayer.config.units);
  const loss = options.loss ?? lossFor(finalActivation, units, outputLayer);

  const ids = nodeIds(layers.map((l) => l.name));
  const mapped = new Map<string, MappedLayer>();
  for (const layer of layers) {
    if (layer.name === output) {
      const params: Record<string, unknown> = { loss, useBias: layer.config.use_bias !== false };
      const initializer = mapInitializer(layer.config.kernel_initializer);
      if (initializer !== undefined) params.kernelInitializer = initializer;
      mapped.set(layer.name, { type: 'output', params });
      continue;
    }
    const node = mapLayer(layer);
    const alpha = leaky.get(layer.name);
    if (alpha !== undefined) node.params = { ...node.params, activation: 'leakyRelu', alpha };
    mapped.set(layer.name, node);
  }
  const nodes = layers.map((layer) => ({
    id: ids.get(layer.name)!,
    type: mapped.get(layer.name)!.type,
    params: mapped.get(layer.name)!.params,
    ...(layer.config.trainable === false ? { trainable: false } : {}),
  }));
  const edges = layers.flatMap((layer) => {
    const merge = ['add', 'concatenate'].includes(mapped.get(layer.name)!.type);
    return layer.inputs.map((source, k) => ({
      source: ids.get(source) ?? source,
      target: ids.get(layer.name)!,
      ...(merge ? { targetHandle: `in${k}` } : {}),
    }));
  });
  const inputShape = (mapped.get(graph.input)?.params.shape ?? []) as number[];
  const data = guessData(inputShape, units, loss);
  const document = {
    format: 'backflow.design',
    formatVersion: 1,
    name: (options.name ?? graph.name).slice(0, 200),
    graph: { nodes, edges: edges.map((e, i) => ({ id: `e${i + 1}`, ...e })) },
    data: data.spec,
    training: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 10, seed: 42 },
  };
  const parsed = parseDesign(JSON.stringify(document));
  if (!parsed.ok) throw new ImportError(`the model does not fit a Backflow design: ${parsed.error.message}`);
  const warnings = data.warning ? [data.warning] : [];
  const context = { outputUnits: units, dataInputShape: inputShape };
  const design = lastAxisAsMinusOne(parsed.design, analyzeGraph(parsed.design.graph, context));
  const analysis = analyzeGraph(design.graph, context);
  if (!analysis.trainable) {
    warnings.push(
      `the imported design cannot train as it is: ${analysis.problems.map((p) => p.message).join('; ')}`,
    );
  }
  return { design, weights: weights && collectWeights(analysis, layers, ids, weights), warnings };
}

/**
 * Keras and tfjs save a normalization's axis resolved (`[3]` for -1 on an
 * image); a design says -1 for "the last axis", as it does by default.
 */
function lastAxisAsMinusOne(design: Design, analysis: ReturnType<typeof analyzeGraph>): Design {
  const nodes = design.graph.nodes.map((node) => {
    const rank = analysis.inputShapes.get(node.id)?.[0]?.length;
    const norm = node.type === 'batchNormalization' || node.type === 'layerNormalization';
    return norm && node.params.axis !== -1 && node.params.axis === rank
      ? { ...node, params: { ...node.params, axis: -1 } }
      : node;
  });
  return { ...design, graph: { ...design.graph, nodes } };
}

function lossFor(activation: string, units: number, layer: KerasLayer): LossName {
  if (activation === 'sigmoid') return 'sigmoidCrossEntropy';
  if (activation === 'softmax') return 'softmaxCrossEntropy';
  if (activation === 'linear') return units === 1 ? 'meanSquaredError' : 'softmaxCrossEntropy';
  throw new ImportError(
    `the model's last Dense layer '${layer.name}' has activation '${activation}'; Backflow's output is linear logits followed by its loss (softmax, sigmoid or linear last layers import)`,
  );
}

/** Layer names as node ids: letters, digits, `.`, `_`, `-`, a letter or digit first, unique, ≤ 64. */
function nodeIds(names: string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    let id = name.replace(/[^A-Za-z0-9._-]/g, '_');
    if (!/^[A-Za-z0-9]/.test(id)) id = `n${id}`;
    id = id.slice(0, 60);
    let unique = id;
    for (let k = 2; taken.has(unique); k++) unique = `${id}_${k}`;
    taken.add(unique);
    ids.set(name, unique);
  }
  return ids;
}

/**
 * The model's weights keyed `nodeId/role`. Which weights a layer has is the
 * catalogue's answer (`layerWeights`); a weight it needs but the file lacks is
 * an error. A layer whose shapes could not be inferred (the design cannot
 * train yet) takes whichever of its weights the file has.
 */
function collectWeights(
  analysis: GraphAnalysis,
  layers: KerasLayer[],
  ids: Map<string, string>,
  named: NamedWeights,
): WeightValues {
  const out = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  const lookup = (key: string) =>
    named.get(key) ?? [...named].find(([name]) => name.endsWith(`/${key}`))?.[1];
  for (const layer of layers) {
    const id = ids.get(layer.name)!;
    const typed = analysis.layers.get(id);
    const inputs = analysis.inputShapes.get(id);
    const output = analysis.shapes.get(id);
    const needed =
      typed && inputs && output ? layerWeights(typed, inputs, output).map((w) => w.role) : undefined;
    const roles = needed ?? (Object.keys(KERAS_WEIGHT_NAME) as WeightRole[]);
    for (const role of roles) {
      const key = `${layer.name}/${KERAS_WEIGHT_NAME[role]}`;
      const found = lookup(key);
      if (found) out.set(`${id}/${role}`, found);
      else if (needed)
        throw new ImportError(`the weights have no '${key}' for layer '${layer.name}' (${layer.className})`);
    }
  }
  return out;
}
