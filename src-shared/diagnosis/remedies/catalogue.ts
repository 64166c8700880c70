/**
 * The remedies of docs/domain.md as buttons: each binds an edit to the layers a
 * finding names and says, in a label and a sentence, what it does. A builder
 * returns undefined when its edit would change nothing in the design at
 * hand (no sigmoid to swap, initializers already matched, …).
 */
import type { Design } from '../../design/types';
import type { Remedy } from '../types';
import { activationName, layerList } from '../format';
import { activationSite, analysisOf, hiddenLayers, isReluFamily, isSaturating, nodeById } from '../network';
import { initializerFor, mismatchedInitializers, matchInitializers, swapActivation } from './activation';
import {
  addSkipConnections,
  canInsertBatchNorm,
  canRemoveLayer,
  insertBatchNorm,
  removeLayers,
  skipCandidates,
} from './structure';
import { enableClipping, scaleLearningRate } from './training';

/** Offers `remedy` only when applying it to `design` changes something. */
function ifEffective(design: Design, remedy: Remedy): Remedy | undefined {
  return remedy.apply(design) === design ? undefined : remedy;
}

/** The distinct activations of the named layers that `keep` accepts, joined with "/" (`sigmoid/tanh`). */
function activationNames(design: Design, ids: readonly string[], keep: (a: string) => boolean): string {
  const names = new Set<string>();
  for (const id of ids) {
    const a = activationSite(design, id)?.activation;
    if (a && keep(a)) names.add(activationName(a));
  }
  return [...names].join('/');
}

/**
 * The order runs of layers are named in ("d1–d6"): the graph order of the
 * nodes that have the types of `ids` (dense layers among dense layers,
 * activation nodes among activation nodes); hidden layers without `ids`.
 */
function order(design: Design, ids?: readonly string[]): string[] {
  if (!ids) return hiddenLayers(design).map((n) => n.id);
  const types = new Set(ids.map((id) => nodeById(design, id)?.type));
  return analysisOf(design).order.filter((id) => types.has(nodeById(design, id)?.type));
}

/** "Swap sigmoid → ReLU + He init": the first remedy of docs/domain.md, with the initializer ReLU needs. */
export function swapToReluHeRemedy(design: Design, ids: readonly string[]): Remedy | undefined {
  const targets = ids.filter((id) => isSaturating(activationSite(design, id)?.activation));
  const names = activationNames(design, targets, () => true);
  return ifEffective(design, {
    id: 'swap-relu-he',
    label: `Swap ${names || 'sigmoid/tanh'} → ReLU + He init`,
    description: `Replaces ${names} with ReLU in ${layerList(targets, order(design, targets))} and gives those layers He initialization: ReLU's derivative is 1 wherever a unit is active, so the gradient is not shrunk at every layer, and He init keeps its scale constant with depth.`,
    apply: (d) => matchInitializers(swapActivation(d, targets, 'relu'), targets),
  });
}

/** "Swap ReLU → LeakyReLU": a negative slope lets inactive units still receive gradient. */
export function leakyReluRemedy(design: Design, ids: readonly string[]): Remedy | undefined {
  const targets = ids.filter((id) => activationSite(design, id)?.activation === 'relu');
  return ifEffective(design, {
    id: 'swap-leaky-relu',
    label: 'Swap ReLU → LeakyReLU',
    description: `Replaces ReLU with LeakyReLU (slope 0.3 below zero) in ${layerList(targets, order(design, targets))}: a unit whose input is negative for every example still passes some gradient, so it can recover.`,
    apply: (d) => swapActivation(d, targets, 'leakyRelu', (a) => a === 'relu'),
  });
}

/** "Switch to He init" / "Switch to Xavier init": the initializer matched to each layer's activation. */
export function initializerRemedy(design: Design, ids: readonly string[]): Remedy | undefined {
  const targets = mismatchedInitializers(design, ids);
  const wanted = new Set(targets.map((id) => initializerFor(activationSite(design, id)?.activation)));
  const label =
    wanted.size === 1 && wanted.has('heNormal')
      ? 'Switch to He init'
      : wanted.size === 1 && wanted.has('glorotUniform')
        ? 'Switch to Xavier init'
        : 'Match init to activations';
  return ifEffective(design, {
    id: 'match-init',
    label,
    description: `Gives ${layerList(targets, order(design, targets))} the initializer their activation calls for (He for the ReLU family, Xavier/Glorot for sigmoid and tanh), so the signal keeps its scale from layer to layer at the start of training.`,
    apply: (d) => matchInitializers(d, targets),
  });
}

/** "Insert BatchNorm": normalization between each named layer and its activation. */
export function batchNormRemedy(design: Design, ids: readonly string[]): Remedy | undefined {
  const targets = ids.filter((id) => canInsertBatchNorm(design, id));
  if (!targets.length) return undefined;
  const names = activationNames(design, targets, (a) => a !== 'linear');
  return {
    id: 'insert-batchnorm',
    label: names ? `Insert BatchNorm before each ${names}` : 'Insert BatchNorm',
    description: `Adds batch normalization between each of ${layerList(targets, order(design, targets))} and its ${names || 'activation'}: each unit's input is rescaled to zero mean and unit variance, which keeps it out of saturation and the gradient at a usable size.`,
    apply: (d) => insertBatchNorm(d, targets),
  };
}

/**
 * "Add skip connections", with docs/domain.md's caution: in a network that
 * already has BatchNorm the benefit of residual connections is not mainly a
 * larger gradient (He et al. 2016 measured the norms), so the text says so.
 */
export function skipRemedy(design: Design): Remedy | undefined {
  const pairs = skipCandidates(design);
  const withBn = design.graph.nodes.some((n) => n.type === 'batchNormalization');
  const caution = withBn
    ? ' This network already has BatchNorm: there, residual connections mainly make very deep networks easier to optimize, not the gradient larger (He et al. 2016 checked the norms), so expect better training rather than brighter early rows.'
    : '';
  if (!pairs.length) return undefined;
  return {
    id: 'add-skip-connections',
    label: `Add skip connections (${pairs.length} ${pairs.length === 1 ? 'block' : 'blocks'})`,
    description: `Wraps pairs of same-width layers in residual blocks, x + F(x): the sum passes the gradient back unchanged along the identity path, around the layers that shrink it.${caution}`,
    apply: addSkipConnections,
  };
}

/** Results of removeLayers per design and target list: the check below re-analyzes the graph, and diagnose runs every second. */
const removals = new WeakMap<Design, Map<string, Design>>();

function removeLayersCached(design: Design, ids: readonly string[]): Design {
  const byTargets = removals.get(design) ?? new Map<string, Design>();
  removals.set(design, byTargets);
  const key = ids.join('\n');
  const result = byTargets.get(key) ?? removeLayers(design, ids);
  byTargets.set(key, result);
  return result;
}

/** "Remove d1–d6": a shallower chain, keeping at least `keep` hidden layers. */
export function removeLayersRemedy(design: Design, ids: readonly string[], keep = 2): Remedy | undefined {
  const hidden = order(design);
  const allowed = Math.max(0, hidden.length - keep);
  const targets = hidden.filter((id) => ids.includes(id) && canRemoveLayer(design, id)).slice(0, allowed);
  // Name what the edit really removes: in residual blocks only one layer of a pair can go.
  const after = removeLayersCached(design, targets);
  const removed = targets.filter((id) => !nodeById(after, id));
  if (!removed.length) return undefined;
  const list = layerList(removed, hidden);
  return {
    id: 'remove-layers',
    label: `Remove ${list}`,
    description: `Removes ${list} (with their normalization and activation nodes), leaving ${hidden.length - removed.length} hidden layers: fewer factors multiply the gradient on its way back.`,
    apply: (d) => removeLayersCached(d, targets),
  };
}

/** "Lower learning rate to 0.01": divides it by 10. */
export function lowerLearningRateRemedy(design: Design): Remedy {
  const next = scaleLearningRate(design, 0.1).training.learningRate;
  return {
    id: 'lower-learning-rate',
    label: `Lower learning rate to ${next}`,
    description: `Divides the learning rate by 10 (from ${design.training.learningRate}): each step then changes the weights by a tenth as much, which keeps updates from overshooting and blowing up.`,
    apply: (d) => scaleLearningRate(d, 0.1),
  };
}

/** "Raise learning rate to 1": multiplies it by 10, for layers whose weights barely move. */
export function raiseLearningRateRemedy(design: Design): Remedy | undefined {
  const next = scaleLearningRate(design, 10).training.learningRate;
  return ifEffective(design, {
    id: 'raise-learning-rate',
    label: `Raise learning rate to ${next}`,
    description: `Multiplies the learning rate by 10 (from ${design.training.learningRate}), for weights that change by a negligible fraction per step; watch for divergence.`,
    apply: (d) => scaleLearningRate(d, 10),
  });
}

/** "Clip gradients (norm 1)": the engine rescales all gradients together when their norm exceeds 1. */
export function clippingRemedy(design: Design): Remedy | undefined {
  const current = design.training.clipNorm;
  if (current !== undefined && current > 0 && current <= 1) return undefined;
  return {
    id: 'clip-gradients',
    label: 'Clip gradients (norm 1)',
    description:
      'Rescales the gradients of all layers together whenever their global L2 norm exceeds 1, so one bad batch cannot throw the weights far away; the direction of each step is kept.',
    apply: (d) => enableClipping(d, 1),
  };
}

/** The named layers with a ReLU-family activation (for the dead-unit remedies). */
export function reluLayers(design: Design, ids: readonly string[]): string[] {
  return ids.filter((id) => isReluFamily(activationSite(design, id)?.activation));
}
