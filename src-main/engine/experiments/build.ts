/**
 * Builders for the experiment designs: plain design documents (the JSON a
 * `.backflow.json` file holds), laid out left to right. They exist so the
 * 30- and 56-layer networks of resources/examples/ are generated, not typed;
 * `write-examples.ts` turns them into files, and the runner reads the files.
 */

/** A node of a design document as written to disk. */
export interface NodeDoc {
  id: string;
  type: string;
  params: Record<string, unknown>;
  position: { x: number; y: number };
}

/** An edge of a design document as written to disk. */
export interface EdgeDoc {
  id: string;
  source: string;
  target: string;
  targetHandle?: string;
}

/** A design document before parsing (defaults are filled in by parseDesign). */
export interface DesignDoc {
  format: 'backflow.design';
  formatVersion: 1;
  name: string;
  description: string;
  graph: { nodes: NodeDoc[]; edges: EdgeDoc[] };
  data: Record<string, unknown>;
  training: Record<string, unknown>;
}

/** Appends nodes and edges in order; each node is placed one column right of the previous one. */
export class GraphBuilder {
  readonly nodes: NodeDoc[] = [];
  readonly edges: EdgeDoc[] = [];
  private column = 0;

  /** Adds a node fed by `inputs` (in0, in1, … when there are several) and returns its id. */
  add(id: string, type: string, params: Record<string, unknown>, inputs: string[] = [], row = 0): string {
    this.nodes.push({ id, type, params, position: { x: 200 * this.column++, y: 150 * row } });
    inputs.forEach((source, k) => {
      const edge: EdgeDoc = { id: `e${this.edges.length + 1}`, source, target: id };
      if (inputs.length > 1) edge.targetHandle = `in${k}`;
      this.edges.push(edge);
    });
    return id;
  }
}

/** The parts of one hidden layer; `init` is a kernelInitializer value. */
export interface LayerRecipe {
  units: number;
  activation: string;
  init: unknown;
  /** dense (linear, no bias) → batchNormalization → activation, ids d·, bn·, a·. */
  batchNorm?: boolean;
  /**
   * Sigmoid inputs observable: dense (linear) → activation node, so the dense
   * node's activation statistics are the sigmoid's inputs.
   */
  separateActivation?: boolean;
}

/**
 * One hidden layer `d{i}` (plus `bn{i}` and `a{i}` when split) after `input`;
 * returns the id of the node whose output feeds the next layer.
 */
export function hiddenLayer(g: GraphBuilder, i: number, input: string, r: LayerRecipe, row = 0): string {
  const split = r.batchNorm || r.separateActivation;
  const dense = g.add(
    `d${i}`,
    'dense',
    {
      units: r.units,
      activation: split ? 'linear' : r.activation,
      kernelInitializer: r.init,
      useBias: !r.batchNorm,
    },
    [input],
    row,
  );
  if (!split) return dense;
  // Momentum 0.9: the moving statistics used at evaluation must keep up within a few hundred steps.
  const normalized = r.batchNorm
    ? g.add(`bn${i}`, 'batchNormalization', { momentum: 0.9 }, [dense], row)
    : dense;
  return g.add(`a${i}`, 'activation', { activation: r.activation }, [normalized], row);
}

/** A plain chain: input → `layers` hidden layers → output. */
export function mlp(
  inputShape: number[],
  layers: number,
  recipe: LayerRecipe,
  outputInit: unknown,
): GraphBuilder {
  const g = new GraphBuilder();
  let previous = g.add('in', 'input', { shape: inputShape });
  if (inputShape.length > 1) previous = g.add('flat', 'flatten', {}, [previous]);
  for (let i = 1; i <= layers; i++) previous = hiddenLayer(g, i, previous, recipe);
  g.add('out', 'output', { loss: 'softmaxCrossEntropy', kernelInitializer: outputInit }, [previous]);
  return g;
}

/**
 * A residual MLP with `weighted` layers counting the output (He et al. 2016's
 * counting): a stem d1, (weighted − 2) / 2 two-layer blocks
 * x ↦ relu(x + W₂·relu(W₁x)) (with BN after each W when `batchNorm`), then
 * the output. Without BN, W₂ starts small (N(0, branchStd²)) so the sum of
 * 27 branches does not blow the signal up: the identity path is what the
 * experiment is about, and Fixup / SkipInit (Zhang et al. 2019; De & Smith
 * 2020) scale residual branches the same way.
 */
export function residualMlp(
  weighted: number,
  units: number,
  options: { batchNorm: boolean; branchStd: number },
): GraphBuilder {
  if ((weighted - 2) % 2 !== 0) throw new Error('a residual MLP has an even number of weighted layers');
  const g = new GraphBuilder();
  const bn = options.batchNorm;
  const recipe = (init: unknown, activation: string): LayerRecipe => ({
    units,
    activation,
    init,
    batchNorm: bn,
  });
  let x = hiddenLayer(g, 1, g.add('in', 'input', { shape: [2] }), recipe('heNormal', 'relu'));
  for (let b = 0, i = 2; b < (weighted - 2) / 2; b++, i += 2) {
    const h = hiddenLayer(g, i, x, recipe('heNormal', 'relu'), 1);
    const init = bn ? 'heNormal' : { name: 'randomNormal', stddev: options.branchStd };
    const f = hiddenLayer(g, i + 1, h, recipe(init, 'linear'), 1);
    const sum = g.add(`add${b + 1}`, 'add', {}, [x, f]);
    x = g.add(`r${b + 1}`, 'activation', { activation: 'relu' }, [sum]);
  }
  g.add('out', 'output', { loss: 'softmaxCrossEntropy', kernelInitializer: 'glorotUniform' }, [x]);
  return g;
}

/**
 * The deep sigmoid MLP (10 × 64, standardUniform) with a skip connection
 * around every hidden layer but the first: x ↦ x + σ(Wx + b).
 */
export function sigmoidWithSkips(layers: number, units: number): GraphBuilder {
  const g = new GraphBuilder();
  const recipe: LayerRecipe = { units, activation: 'sigmoid', init: 'standardUniform' };
  let x = hiddenLayer(g, 1, g.add('in', 'input', { shape: [2] }), recipe);
  for (let i = 2; i <= layers; i++) {
    const f = hiddenLayer(g, i, x, recipe, 1);
    x = g.add(`add${i}`, 'add', {}, [x, f]);
  }
  g.add('out', 'output', { loss: 'softmaxCrossEntropy', kernelInitializer: 'standardUniform' }, [x]);
  return g;
}

/** The 3-class spiral every small experiment uses. */
export const SPIRAL = { source: 'builtin', name: 'spiral', samples: 600, classes: 3, noise: 0.1 } as const;

/** A design document around a graph. */
export function designDoc(
  name: string,
  description: string,
  g: GraphBuilder,
  data: Record<string, unknown>,
  training: Record<string, unknown>,
): DesignDoc {
  return {
    format: 'backflow.design',
    formatVersion: 1,
    name,
    description,
    graph: { nodes: g.nodes, edges: g.edges },
    data,
    training: { validationSplit: 0.2, ...training },
  };
}
