/**
 * How the back-propagated gradient g = ∂L/∂h changes from one weighted layer
 * to the one before it, at initialisation: measured from a step record, and
 * predicted where a closed form exists. For a dense layer b after layer a,
 * g_a = W_bᵀ (f′(z_b) ⊙ g_b) with independent zero-mean weights gives
 *
 *   E‖g_a‖² = fan_in · Var(W_b) · E[f′(z_b)²] · E‖g_b‖²
 *
 * (src-main/engine/experiments/experiments.test.ts derives it), so the norm
 * shrinks by 1 / √(fan_in · Var(W) · E[f′²]) per layer towards the input:
 * √3 for tanh with U[−1/√n, 1/√n] (Glorot & Bengio 2010), √2 for ReLU with
 * Xavier, 1 with He (He et al. 2015), √48 for sigmoid with U[−1/√n, 1/√n].
 */
import type { Design } from '../design/types';
import type { GraphAnalysis } from '../graph/analyze';
import type { Activation } from '../layers/activations';
import { layerWeights } from '../layers';
import type { WeightInit } from '../layers/types';
import type { StepRecord } from '../telemetry';
import { decade, layerList } from './format';
import { activationSite, chainPredecessor, hiddenLayers, nodeById, unitOf } from './network';
import { FROZEN_RATIO, EXPLODING_RATIO, VANISHING_RATIO } from './rules/gradient';
import { stat } from './stats';

/**
 * fan_in · Var(W) of a kernel `init` draws for a [fanIn, fanOut] kernel (the
 * engine corrects truncated normals to their nominal variance; `ones` is
 * counted as its second moment).
 */
export function fanInVariance(init: WeightInit, fanIn: number, fanOut: number): number {
  switch (init.name) {
    case 'ones':
      return fanIn;
    case 'standardUniform':
      return 1 / 3; // U[−a, a] has variance a²/3, here a² = 1/fan_in
    case 'glorotUniform':
    case 'glorotNormal':
      return (2 * fanIn) / (fanIn + fanOut);
    case 'heUniform':
    case 'heNormal':
      return 2;
    case 'lecunUniform':
    case 'lecunNormal':
      return 1;
    case 'randomNormal':
      return fanIn * init.stddev ** 2;
    case 'randomUniform':
      return (fanIn * init.limit ** 2) / 3;
    case 'orthogonal':
      // Orthonormal columns (fan_in ≥ fan_out) keep ‖W v‖ = ‖v‖; orthonormal rows keep fan_in/fan_out of it.
      return init.gain ** 2 * Math.min(1, fanIn / fanOut);
    case 'zeros':
      return 0;
  }
}

/**
 * E[f′(z)²] for small zero-mean pre-activations (the regime the standard
 * analyses assume); undefined for activations without a simple one.
 */
export function derivativeSquare(activation: Activation, alpha = 0.2): number | undefined {
  switch (activation) {
    case 'linear':
    case 'tanh':
      return 1; // tanh′(0) = 1
    case 'sigmoid':
      return 1 / 16; // σ′(0) = 1/4
    case 'relu':
      return 1 / 2; // f′ ∈ {0, 1}, each half the time
    case 'leakyRelu':
      return (1 + alpha ** 2) / 2;
    default:
      return undefined;
  }
}

/** How the gradient changes between one weighted layer and the next one towards the output. */
export interface LayerDecay {
  /** The layer (design node id), and the node whose output gradient stands for it (its unit's last). */
  id: string;
  at: string;
  /** The next weighted layer towards the output, and its output node. */
  next: string;
  nextAt: string;
  /** ‖∂L/∂h_next‖ / ‖∂L/∂h_id‖ measured: above 1 the gradient shrinks on its way back, below 1 it grows. */
  shrink: number;
  /** The closed form of `shrink`, 1 / √(fan_in · Var(W) · E[f′²]) of `next`; undefined where none applies. */
  predicted?: number;
  /** What the closed form assumes, in words ("tanh with U[−1/√n, 1/√n]"). */
  assumption?: string;
}

const INIT_WORDS: Partial<Record<WeightInit['name'], string>> = {
  standardUniform: 'U[−1/√n, 1/√n]',
  glorotUniform: 'Xavier',
  glorotNormal: 'Xavier',
  heUniform: 'He',
  heNormal: 'He',
  lecunUniform: 'LeCun',
  lecunNormal: 'LeCun',
};

/** The closed form for `next` fed straight by `previousOut`; undefined where none applies. */
function closedForm(
  design: Design,
  analysis: GraphAnalysis,
  next: string,
  previousOut: string,
): { predicted: number; assumption: string } | undefined {
  const node = nodeById(design, next);
  const layer = analysis.layers.get(next);
  const inputs = analysis.inputShapes.get(next);
  const output = analysis.shapes.get(next);
  if (!node || !layer || !inputs || !output || (node.type !== 'dense' && node.type !== 'output')) return;
  if (chainPredecessor(design, next)?.id !== previousOut) return;
  // Normalization or dropout between the layer and the next would rescale the gradient.
  const unit = unitOf(design, next);
  if (node.type === 'dense' && unit.some((n) => n.type !== 'dense' && n.type !== 'activation')) return;
  const kernel = layerWeights(layer, inputs, output).find((w) => w.role === 'kernel');
  if (!kernel) return;
  const [fanIn, fanOut] = kernel.shape;
  const site = node.type === 'output' ? undefined : activationSite(design, next);
  const activation: Activation = site?.activation ?? 'linear';
  const alpha = nodeById(design, site?.nodeId ?? next)?.params.alpha;
  const square = derivativeSquare(activation, typeof alpha === 'number' ? alpha : undefined);
  if (square === undefined) return;
  const gain = fanInVariance(kernel.init, fanIn, fanOut) * square;
  const init = INIT_WORDS[kernel.init.name] ?? kernel.init.name;
  return { predicted: 1 / Math.sqrt(gain), assumption: `${activation} with ${init}` };
}

/** The node whose output is layer `id`'s h: the last of its unit (its activation node, if any). */
function outputOf(design: Design, id: string): string {
  const unit = unitOf(design, id);
  return unit[unit.length - 1]?.id ?? id;
}

/**
 * The decay between each pair of consecutive weighted layers (hidden dense and
 * conv2d, then the output), measured on `record` and predicted where a closed
 * form applies. Pairs without a positive measured gradient on both sides are left out.
 */
export function layerDecays(record: StepRecord, design: Design, analysis: GraphAnalysis): LayerDecay[] {
  const chain = [...hiddenLayers(design).map((n) => n.id)];
  const output = design.graph.nodes.find((n) => n.type === 'output');
  if (output) chain.push(output.id);
  const decays: LayerDecay[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const id = chain[i];
    const next = chain[i + 1];
    const at = outputOf(design, id);
    const nextAt = next === output?.id ? next : outputOf(design, next);
    const below = stat(record, at, 'outGradNorm');
    const above = stat(record, nextAt, 'outGradNorm');
    if (!below || !above) continue;
    decays.push({ id, at, next, nextAt, shrink: above / below, ...closedForm(design, analysis, next, at) });
  }
  return decays;
}

/** The geometric mean: the typical factor of values that multiply. */
export function geometricMean(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** `√3 ≈ 1.73`, `√2 ≈ 1.41`, `1`: a closed-form factor as its square root when that is whole. */
export function closedFormText(factor: number): string {
  if (!Number.isFinite(factor)) return '∞';
  const square = factor * factor;
  const whole = Math.round(square);
  if (Math.abs(square - whole) > 1e-9 * Math.max(1, square) || whole <= 1) return factor.toFixed(2);
  return `√${whole} ≈ ${factor.toFixed(2)}`;
}

/** How ‖∂L/∂h‖ changes per layer in words: "shrinks ×6.94", "grows ×2.10", or "keeps its size, ×1.00" (not "shrinks ×1.00"). */
function change(shrink: number): string {
  if (shrink.toFixed(2) === '1.00' || (1 / shrink).toFixed(2) === '1.00') return 'keeps its size, ×1.00';
  return shrink >= 1 ? `shrinks ×${shrink.toFixed(2)}` : `grows ×${(1 / shrink).toFixed(2)}`;
}

/** What the preview says about the gradient at initialisation. */
export interface InitFlow {
  decays: LayerDecay[];
  /** The first hidden layer and the last, compared on ‖∂L/∂h‖. */
  first: string;
  last: string;
  /** ‖∂L/∂h_first‖ / ‖∂L/∂h_last‖. */
  ratio: number;
  /** Geometric mean of the hidden layers' measured shrink per layer. */
  shrinkPerLayer: number;
  /** The closed form's shrink when every hidden pair has the same one. */
  predictedPerLayer?: number;
  severity: 'ok' | 'warning' | 'error';
  /** The diagnosis in words, one or two sentences. */
  text: string;
}

/** The sentence on the first/last ratio, and how bad it is. */
function verdict(
  first: string,
  last: string,
  ratio: number,
): { text: string; severity: InitFlow['severity'] } {
  const share = `${first} gets ${decade(ratio)} of ${last}'s gradient at initialisation`;
  if (ratio < FROZEN_RATIO) return { text: `${share}: it will not learn.`, severity: 'error' };
  if (ratio < VANISHING_RATIO) return { text: `${share}: it will learn very slowly.`, severity: 'warning' };
  if (ratio > EXPLODING_RATIO)
    return {
      text: `${first} gets ${decade(ratio)} times ${last}'s gradient at initialisation: it grows on its way back and training may diverge.`,
      severity: 'warning',
    };
  const about =
    ratio >= 0.1 && ratio <= 10 ? 'about as much gradient as' : `${decade(ratio)} of the gradient of`;
  return { text: `${first} gets ${about} ${last} at initialisation: the gradient flows.`, severity: 'ok' };
}

/**
 * Reads the at-init record of `design` (the preview, or step 0 of a run): the
 * per-layer decay, the first hidden layer's share of the last one's gradient
 * and a diagnosis in words. Undefined for fewer than two hidden layers.
 */
export function describeInitFlow(
  record: StepRecord,
  design: Design,
  analysis: GraphAnalysis,
): InitFlow | undefined {
  const hidden = hiddenLayers(design).map((n) => n.id);
  if (hidden.length < 2) return undefined;
  const first = hidden[0];
  const last = hidden[hidden.length - 1];
  const below = stat(record, outputOf(design, first), 'outGradNorm');
  const above = stat(record, outputOf(design, last), 'outGradNorm');
  if (below === undefined || !above) return undefined;
  const ratio = below / above;
  const decays = layerDecays(record, design, analysis);
  const inner = decays.filter((d) => hidden.includes(d.next));
  const shrinkPerLayer = geometricMean(inner.map((d) => d.shrink));
  const predictions = inner.map((d) => d.predicted);
  const same =
    predictions.length > 0 &&
    predictions.every((p) => p !== undefined && Math.abs(p - predictions[0]!) <= 1e-9 * predictions[0]!);
  const predictedPerLayer = same ? predictions[0] : undefined;
  const { text, severity } = verdict(first, last, ratio);
  const measured = Number.isFinite(shrinkPerLayer)
    ? ` Going back through ${layerList(hidden, hidden)}, ‖∂L/∂h‖ ${change(shrinkPerLayer)} per layer`
    : '';
  const closed =
    measured && predictedPerLayer !== undefined
      ? ` (closed form for ${inner[0].assumption}: ${closedFormText(predictedPerLayer)}).`
      : measured
        ? '.'
        : '';
  return {
    decays,
    first,
    last,
    ratio,
    shrinkPerLayer,
    predictedPerLayer,
    severity,
    text: text + measured + closed,
  };
}
