/**
 * Rules on the update / weight ratio ‖ΔW‖ / ‖W‖ of each step: around 10⁻³ is
 * the usual healthy size; far above, steps overshoot; far below, the weights
 * are as good as frozen.
 */
import { layerList, relativeSize } from '../format';
import { hiddenLayers } from '../network';
import {
  clippingRemedy,
  initializerRemedy,
  lowerLearningRateRemedy,
  raiseLearningRateRemedy,
} from '../remedies/catalogue';
import { medianStat, stepsPhrase } from '../stats';
import type { Finding, Remedy } from '../types';
import { layersWith, type RuleInput } from './input';

/** Above this update / weight ratio a step changes the weights by more than a tenth of their size. */
export const LARGE_UPDATE = 1e-1;
/** Below this the weights barely move. */
export const SMALL_UPDATE = 1e-6;

const present = (remedies: (Remedy | undefined)[]): Remedy[] =>
  remedies.filter((r): r is Remedy => r !== undefined);

/**
 * Too-large and too-small update ratios. Layers already named by a
 * vanishing finding are left out of the too-small one (it would say the same
 * thing twice).
 */
export function updateRatioRule(input: RuleInput, alreadyExplained: readonly string[] = []): Finding[] {
  if (!input.window) return [];
  const { recent, from, to } = input.window;
  const order = layersWith(input, 'updateRatio', ['dense', 'conv2d', 'output']);
  // The output layer is named on its own ("d1–d10 and out"), not as the end of a run of hidden layers.
  const hidden = layersWith(input, 'updateRatio', ['dense', 'conv2d']);
  const ratio = new Map(order.map((id) => [id, medianStat(recent, id, 'updateRatio')]));
  const large = order.filter((id) => (ratio.get(id) ?? 0) > LARGE_UPDATE);
  const small = order.filter((id) => (ratio.get(id) ?? 1) < SMALL_UPDATE && !alreadyExplained.includes(id));
  const window = `update / weight ratio, median over ${stepsPhrase(from, to)}`;
  const findings: Finding[] = [];
  if (large.length) {
    findings.push({
      id: 'large-updates',
      kind: 'largeUpdates',
      severity: 'warning',
      title: `Updates too large in ${layerList(large, hidden)}`,
      detail: `Each step changes the weights of ${layerList(large, hidden)} by ${relativeSize(large.map((id) => ratio.get(id) ?? NaN))} (${window}); around 10⁻³ is typical. Steps this large overshoot and can make training unstable.`,
      layers: large,
      remedies: present([lowerLearningRateRemedy(input.design), clippingRemedy(input.design)]),
    });
  }
  if (small.length) {
    const hidden = hiddenLayers(input.design).map((n) => n.id);
    findings.push({
      id: 'small-updates',
      kind: 'smallUpdates',
      severity: 'warning',
      title: `Weights barely move in ${layerList(small, hidden)}`,
      detail: `Each step changes the weights of ${layerList(small, hidden)} by only ${relativeSize(small.map((id) => ratio.get(id) ?? NaN))} (${window}); around 10⁻³ is typical. At this rate they stay close to their initial values.`,
      layers: small,
      remedies: present([raiseLearningRateRemedy(input.design), initializerRemedy(input.design, hidden)]),
    });
  }
  return findings;
}
