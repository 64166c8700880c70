/**
 * Rules on the size of the gradient across depth and time: vanishing (early
 * layers get orders of magnitude less than the last hidden layer), exploding
 * (the gradient grows toward the input or over the run) and divergence.
 */
import { decade, decadeRange, layerList, layersPhrase, percent, relativeSize } from '../format';
import { activationSite, hiddenLayers, isReluFamily, isSaturating } from '../network';
import {
  batchNormRemedy,
  clippingRemedy,
  initializerRemedy,
  lowerLearningRateRemedy,
  removeLayersRemedy,
  skipRemedy,
  swapToReluHeRemedy,
} from '../remedies/catalogue';
import { median, medianRatio, medianStat, stat, stepsPhrase } from '../stats';
import type { Finding, Remedy } from '../types';
import { layersWith, type RuleInput } from './input';

/** Early layers with less than this fraction of the reference layer's gradient are "vanishing". */
export const VANISHING_RATIO = 1e-3;
/** Below this fraction the layers are as good as frozen: an error, not a warning. */
export const FROZEN_RATIO = 1e-6;
/** Early layers with more than this multiple of the reference's gradient are "exploding". */
export const EXPLODING_RATIO = 1e3;
/** A gradient norm this many times its value at init has blown up. */
export const EXPLODING_GROWTH = 1e3;

const present = (remedies: (Remedy | undefined)[]): Remedy[] =>
  remedies.filter((r): r is Remedy => r !== undefined);

/**
 * The layers compared across depth: hidden dense / conv2d layers reporting a
 * weight gradient, and the reference (the last of them, or the output layer
 * when there is only one hidden layer).
 */
function depthProfile(input: RuleInput): { early: string[]; reference: string } | undefined {
  const hidden = layersWith(input, 'gradNorm', ['dense', 'conv2d']);
  const output = layersWith(input, 'gradNorm', ['output']);
  const chain = hidden.length >= 2 ? hidden : [...hidden, ...output];
  if (chain.length < 2) return undefined;
  return { early: chain.slice(0, -1), reference: chain[chain.length - 1] };
}

/** "72 % of their sigmoid units are saturated" (or why not), for the vanishing text. */
function unitSentence(input: RuleInput, ids: readonly string[]): string {
  const recent = input.window?.recent ?? [];
  const sites = ids
    .map((id) => activationSite(input.design, id))
    .filter((s): s is NonNullable<typeof s> => s !== undefined);
  const saturating = sites.filter((s) => isSaturating(s.activation));
  if (saturating.length) {
    const names = [...new Set(saturating.map((s) => s.activation))].join('/');
    const fraction = median(saturating.map((s) => medianStat(recent, s.nodeId, 'saturatedFraction')));
    if (fraction >= 0.2) return ` ${percent(fraction)} of their ${names} units are saturated.`;
    const bound = names === 'sigmoid' ? 'at most 0.25' : 'below 1';
    return ` Their ${names} units are not saturated (${percent(fraction || 0)}): the ${names} derivative (${bound}) times small weights shrinks the gradient at every layer.`;
  }
  const relu = sites.filter((s) => isReluFamily(s.activation));
  if (relu.length) {
    const fraction = median(relu.map((s) => medianStat(recent, s.nodeId, 'deadFraction')));
    if (fraction >= 0.2) return ` ${percent(fraction)} of their ReLU units are dead.`;
  }
  return '';
}

/** Glorot & Bengio's caution: weight gradients and the back-propagated signal can disagree, so state both. */
function signalSentence(
  weightLow: string[],
  signalLow: string[],
  ratios: Map<string, number>,
  reference: string,
): string {
  const first = (ids: string[]) => ids[0];
  if (weightLow.length && signalLow.length) {
    const id = first(signalLow);
    return ` The back-propagated signal agrees: the gradient at ${id}'s output is ${decade(ratios.get(id) ?? NaN)} of ${reference}'s.`;
  }
  if (weightLow.length) {
    const id = first(weightLow);
    return ` The gradient reaching ${id}'s output is still ${decade(ratios.get(id) ?? NaN)} of ${reference}'s, so the small weight gradient comes from small inputs to these layers more than from the backward pass.`;
  }
  const id = first(signalLow);
  return ` Their weight gradients look comparable to ${reference}'s, but the back-propagated signal vanishes: the gradient at ${id}'s output is ${decade(ratios.get(id) ?? NaN)} of ${reference}'s (weight-gradient norms alone can hide this; Glorot & Bengio 2010).`;
}

/** Vanishing gradient: early layers get less than {@link VANISHING_RATIO} of the last hidden layer's gradient. */
export function vanishingRule(input: RuleInput): Finding[] {
  const profile = depthProfile(input);
  if (!profile || !input.window) return [];
  const { recent, init, from, to } = input.window;
  const { early, reference } = profile;
  const weight = new Map(early.map((id) => [id, medianRatio(recent, id, reference, 'gradNorm')]));
  const signal = new Map(early.map((id) => [id, medianRatio(recent, id, reference, 'outGradNorm')]));
  const weightLow = early.filter((id) => (weight.get(id) ?? 1) < VANISHING_RATIO);
  const signalLow = early.filter((id) => (signal.get(id) ?? 1) < VANISHING_RATIO);
  const flagged = early.filter((id) => weightLow.includes(id) || signalLow.includes(id));
  if (!flagged.length) return [];
  const evidence = weightLow.length
    ? weightLow.map((id) => weight.get(id) ?? NaN)
    : signalLow.map((id) => signal.get(id) ?? NaN);
  const worst = Math.min(...evidence);
  const hidden = [...early, reference];
  const list = layerList(flagged, hidden);
  const which = weightLow.length ? 'gradient' : 'back-propagated gradient';
  const firstId = flagged[0];
  const atInit = stat(init, firstId, 'gradNorm');
  const initRef = stat(init, reference, 'gradNorm');
  const initNote =
    atInit !== undefined && initRef ? `; ${firstId}: ${decade(atInit / initRef)} at step ${init.step}` : '';
  const updates = flagged.map((id) => medianStat(recent, id, 'updateRatio')).filter(Number.isFinite);
  const updateNote = updates.length
    ? ` Per step their weights change by ${relativeSize(updates)}, so they barely learn.`
    : '';
  const ids = hiddenLayers(input.design).map((n) => n.id);
  return [
    {
      id: 'vanishing',
      kind: 'vanishing',
      severity: worst < FROZEN_RATIO ? 'error' : 'warning',
      title: `Vanishing gradient in ${list}`,
      detail:
        `${layersPhrase(flagged, hidden)} get ${decadeRange(evidence)} of the ${which} of ${reference} (median over ${stepsPhrase(from, to)}${initNote}).` +
        unitSentence(input, flagged) +
        signalSentence(weightLow, signalLow, signal, reference) +
        updateNote,
      layers: flagged,
      remedies: present([
        swapToReluHeRemedy(input.design, ids),
        batchNormRemedy(input.design, ids),
        initializerRemedy(input.design, ids),
        skipRemedy(input.design),
        removeLayersRemedy(input.design, flagged),
      ]),
    },
  ];
}

function explodingRemedies(input: RuleInput): Remedy[] {
  const ids = hiddenLayers(input.design).map((n) => n.id);
  return present([
    lowerLearningRateRemedy(input.design),
    clippingRemedy(input.design),
    initializerRemedy(input.design, ids),
    batchNormRemedy(input.design, ids),
  ]);
}

/**
 * Exploding gradient: weight-gradient norms far above their value at init,
 * or early layers getting far more gradient than the last hidden layer.
 */
export function explodingRule(input: RuleInput): Finding[] {
  if (!input.window) return [];
  const { init, recent, from, to } = input.window;
  const weighted = layersWith(input, 'gradNorm', ['dense', 'conv2d', 'output']);
  // The output layer is named on its own ("d1–d10 and out"), not as the end of a run of hidden layers.
  const hidden = layersWith(input, 'gradNorm', ['dense', 'conv2d']);
  const growth = new Map<string, number>();
  for (const id of weighted) {
    const start = stat(init, id, 'gradNorm');
    const now = medianStat(recent, id, 'gradNorm');
    if (start !== undefined && start > 0 && recent[0] !== init) growth.set(id, now / start);
  }
  const grown = weighted.filter((id) => (growth.get(id) ?? 0) >= EXPLODING_GROWTH);
  const profile = depthProfile(input);
  const steep = profile
    ? profile.early.filter((id) => medianRatio(recent, id, profile.reference, 'gradNorm') > EXPLODING_RATIO)
    : [];
  if (!grown.length && !steep.length) return [];
  const sentences: string[] = [];
  if (grown.length) {
    const peak = grown.reduce((a, b) => ((growth.get(a) ?? 0) >= (growth.get(b) ?? 0) ? a : b));
    sentences.push(
      `The weight gradients of ${layerList(grown, hidden)} grew ${decadeRange(grown.map((id) => growth.get(id) ?? NaN))}-fold since step ${init.step} (median over ${stepsPhrase(from, to)}; ${peak}: from ${decade(stat(init, peak, 'gradNorm') ?? NaN)} to ${decade(medianStat(recent, peak, 'gradNorm'))}).`,
    );
  }
  if (steep.length && profile) {
    const ratios = steep.map((id) => medianRatio(recent, id, profile.reference, 'gradNorm'));
    sentences.push(
      `${layersPhrase(steep, hidden)} get ${decadeRange(ratios)} times the gradient of ${profile.reference}: it grows on its way back through the network, as with weights initialized too large.`,
    );
  }
  sentences.push('Large gradients make steps that overshoot, and the loss can become NaN.');
  const layers = weighted.filter((id) => grown.includes(id) || steep.includes(id));
  return [
    {
      id: 'exploding',
      kind: 'exploding',
      severity: input.diverged ? 'error' : 'warning',
      title: `Exploding gradient in ${layerList(layers, hidden)}`,
      detail: sentences.join(' '),
      layers,
      remedies: explodingRemedies(input),
    },
  ];
}

/** Divergence: the engine stopped the run on a NaN or infinite value; its message is quoted as is. */
export function divergenceRule(input: RuleInput): Finding[] {
  const diverged = input.diverged;
  if (!diverged) return [];
  const last = input.records[input.records.length - 1];
  const kept = last ? ` The telemetry up to step ${last.step} is kept.` : '';
  return [
    {
      id: 'divergence',
      kind: 'divergence',
      severity: 'error',
      title: `Training diverged at step ${diverged.step}`,
      detail: `The engine reports: “${diverged.message}”${kept}`,
      layers: diverged.layerId ? [diverged.layerId] : [],
      remedies: explodingRemedies(input),
    },
  ];
}
