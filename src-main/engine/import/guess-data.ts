/**
 * A design needs data; an imported model does not say what it was trained
 * on. Pick the built-in data set whose examples and classes fit the model,
 * or spiral with a warning that the user must choose.
 */
import type { DataSpec } from '../../../src-shared/design/types';
import type { LossName } from '../../../src-shared/layers';

/** The data spec to start from, and a warning when none of the built-in sets fits. */
export function guessData(
  inputShape: readonly number[],
  units: number,
  loss: LossName,
): { spec: DataSpec; warning?: string } {
  const shape = inputShape.join('×');
  const classification = loss === 'softmaxCrossEntropy';
  if (classification && shape === '28×28×1' && units === 10) {
    return { spec: { source: 'builtin', name: 'mnist' } };
  }
  if (classification && shape === '4' && units === 3) return { spec: { source: 'builtin', name: 'iris' } };
  if (loss === 'meanSquaredError' && shape === '1' && units === 1) {
    return { spec: { source: 'builtin', name: 'sine' } };
  }
  if (classification && shape === '2' && units >= 2 && units <= 10) {
    return { spec: { source: 'builtin', name: 'spiral', classes: units } };
  }
  return {
    spec: { source: 'builtin', name: 'spiral' },
    warning: `no built-in data set has examples of shape ${shape || '?'} with ${units} outputs; the design uses spiral until you choose its data (a CSV file, for instance)`,
  };
}
