/**
 * Rules on the units themselves: saturated sigmoid / tanh units (derivative
 * near 0) and dead ReLU units (inactive for every example of the batch).
 */
import { activationName, layerList, percent, relativeSize } from '../format';
import { activationSite, hiddenLayers, ownerLayer } from '../network';
import {
  batchNormRemedy,
  initializerRemedy,
  leakyReluRemedy,
  lowerLearningRateRemedy,
  swapToReluHeRemedy,
} from '../remedies/catalogue';
import { medianStat, stat, stepsPhrase } from '../stats';
import type { Finding, Remedy } from '../types';
import { layersWith, type RuleInput } from './input';

/** A layer with at least this median fraction of saturated (or dead) units is reported as a warning. */
export const UNITS_WARNING = 0.5;
/** From this fraction on it is reported as information. */
export const UNITS_INFO = 0.25;

const present = (remedies: (Remedy | undefined)[]): Remedy[] =>
  remedies.filter((r): r is Remedy => r !== undefined);

/** "48–71 %": the range of some fractions as percentages. */
function percentRange(values: readonly number[]): string {
  const low = percent(Math.min(...values));
  const high = percent(Math.max(...values));
  return low === high ? low : `${low.replace(' %', '')}–${high}`;
}

interface UnitScan {
  ids: string[];
  fractions: number[];
  atInit: number[];
  severity: 'info' | 'warning';
  /** The dense / conv2d layers the flagged nodes belong to, for the remedies. */
  owners: string[];
}

function scan(input: RuleInput, field: 'saturatedFraction' | 'deadFraction'): UnitScan | undefined {
  if (!input.window) return undefined;
  const { recent, init } = input.window;
  const ids = layersWith(input, field).filter((id) => medianStat(recent, id, field) >= UNITS_INFO);
  if (!ids.length) return undefined;
  const fractions = ids.map((id) => medianStat(recent, id, field));
  return {
    ids,
    fractions,
    atInit: ids.map((id) => stat(init, id, field) ?? 0),
    severity: Math.max(...fractions) >= UNITS_WARNING ? 'warning' : 'info',
    owners: ids.map((id) => ownerLayer(input.design, id)).filter((id): id is string => id !== undefined),
  };
}

/** The activation name of the flagged nodes ("tanh", "sigmoid/tanh"), for the text. */
function activationNames(input: RuleInput, ids: readonly string[], fallback: string): string {
  const names = new Set<string>();
  for (const id of ids) {
    const activation = activationSite(input.design, id)?.activation;
    if (activation) names.add(activationName(activation));
  }
  return names.size ? [...names].join('/') : fallback;
}

/** Saturation: sigmoid / tanh units whose derivative is below 1 % of its maximum. */
export function saturationRule(input: RuleInput): Finding[] {
  const found = scan(input, 'saturatedFraction');
  if (!found || !input.window) return [];
  const order = layersWith(input, 'saturatedFraction');
  const names = activationNames(input, found.ids, 'sigmoid/tanh');
  const hidden = hiddenLayers(input.design).map((n) => n.id);
  const { from, to, init } = input.window;
  return [
    {
      id: 'saturation',
      kind: 'saturation',
      severity: found.severity,
      title: `Saturated ${names} units in ${layerList(found.ids, order)}`,
      detail:
        `${percentRange(found.fractions)} of the ${names} units in ${layerList(found.ids, order)} are saturated (median over ${stepsPhrase(from, to)}; ${percentRange(found.atInit)} at step ${init.step}): ` +
        `their input is so large that the derivative is below 1 % of its maximum, so they pass almost no gradient back and barely learn.`,
      layers: found.ids,
      remedies: present([
        initializerRemedy(input.design, found.owners),
        batchNormRemedy(input.design, found.owners),
        swapToReluHeRemedy(input.design, [...new Set([...hidden, ...found.ids])]),
      ]),
    },
  ];
}

/** Dead units: ReLU-family units whose input is ≤ 0 for every example of the batch. */
export function deadUnitsRule(input: RuleInput): Finding[] {
  const found = scan(input, 'deadFraction');
  if (!found || !input.window) return [];
  const order = layersWith(input, 'deadFraction');
  const names = activationNames(input, found.ids, 'ReLU');
  const { from, to, init } = input.window;
  const grew = Math.max(...found.fractions.map((f, i) => f - found.atInit[i])) >= 0.2;
  const cause = grew
    ? ' Most died during training, a typical sign of a learning rate that is too high: one large step pushes a unit’s input below zero for good.'
    : ' They were inactive from the start: the initial weights or biases put their inputs below zero.';
  const updates = found.owners.map((id) => medianStat(input.window?.recent ?? [], id, 'updateRatio'));
  const finite = updates.filter(Number.isFinite);
  const updateNote = finite.length ? ` Per step the weights change by ${relativeSize(finite)}.` : '';
  return [
    {
      id: 'dead-units',
      kind: 'deadUnits',
      severity: found.severity,
      title: `Dead ${names} units in ${layerList(found.ids, order)}`,
      detail:
        `${percentRange(found.fractions)} of the ${names} units in ${layerList(found.ids, order)} are dead (median over ${stepsPhrase(from, to)}; ${percentRange(found.atInit)} at step ${init.step}): ` +
        `their input is ≤ 0 for every example of the batch, so they output 0 and get no gradient.` +
        cause +
        updateNote,
      layers: found.ids,
      remedies: present([
        // The flagged nodes themselves: an activation node right after a merge has no owning layer.
        leakyReluRemedy(input.design, found.ids),
        grew ? lowerLearningRateRemedy(input.design) : undefined,
        initializerRemedy(input.design, found.owners),
      ]),
    },
  ];
}
