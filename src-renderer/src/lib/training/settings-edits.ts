/**
 * Edits of a design's `data` and `training` sections, checked by the same
 * shared validators the file parser uses, so the settings panel accepts
 * exactly what a saved file may hold. Each returns an EditResult for
 * EditorState.run / DesignStore.apply: one undoable step.
 */
import { BUILTIN_DATASET_INFO, validateDataSpec } from '../../../../src-shared/design/datasets';
import { validateTrainingSpec } from '../../../../src-shared/design/training';
import type { BuiltinDatasetName, DataSpec, Design, TrainingSpec } from '../../../../src-shared/design/types';
import { setParam, type EditResult } from '../model/edits';

export type TrainingKey = keyof TrainingSpec;
export type DataOption = 'samples' | 'classes' | 'noise';

/** Sets (or, with undefined, removes) one training setting. */
export function setTrainingValue(
  design: Design,
  key: TrainingKey,
  value: TrainingSpec[TrainingKey] | undefined,
): EditResult {
  const training: Record<string, unknown> = { ...design.training };
  if (value === undefined) delete training[key];
  else training[key] = value;
  const checked = validateTrainingSpec(training);
  if (!checked.ok) return { ok: false, message: checked.issues.map((i) => i.message).join('; ') };
  if (design.training[key] === value) return { ok: true, design };
  return { ok: true, design: { ...design, training: training as unknown as TrainingSpec } };
}

/** Switches to another built-in data set with its default options (the normalization choice is kept). */
export function setDataset(design: Design, name: BuiltinDatasetName): EditResult {
  const info = BUILTIN_DATASET_INFO[name];
  if (!info) return { ok: false, message: `there is no data set “${name}”` };
  if (design.data.source === 'builtin' && design.data.name === name) return { ok: true, design };
  const data: DataSpec = { source: 'builtin', name, samples: info.defaults.samples };
  if (
    info.defaults.classes !== undefined &&
    info.limits.classes &&
    info.limits.classes[0] !== info.limits.classes[1]
  ) {
    data.classes = info.defaults.classes;
  }
  if (info.defaults.noise !== undefined) data.noise = info.defaults.noise;
  if (design.data.normalize) data.normalize = design.data.normalize;
  return { ok: true, design: { ...design, data } };
}

/** Sets one option of a built-in data set, within the catalogue's limits. */
export function setDataOption(design: Design, key: DataOption, value: number | undefined): EditResult {
  if (design.data.source !== 'builtin') return { ok: false, message: 'this data comes from a CSV file' };
  const data: Record<string, unknown> = { ...design.data };
  if (value === undefined) delete data[key];
  else data[key] = value;
  const checked = validateDataSpec(data);
  if (!checked.ok) return { ok: false, message: checked.issues.map((i) => i.message).join('; ') };
  if (design.data[key] === value) return { ok: true, design };
  return { ok: true, design: { ...design, data: checked.value } };
}

/**
 * Makes the design train on a CSV file: `data` becomes `{ source: 'csv',
 * path, target }` (the normalization choice is kept) and, with `inputShape`,
 * the one input layer takes that shape too. One edit, so one undo step.
 */
export function useCsvData(
  design: Design,
  csv: { path: string; target: string },
  inputShape?: number[],
): EditResult {
  const data: Record<string, unknown> = { source: 'csv', path: csv.path, target: csv.target };
  if (design.data.normalize) data.normalize = design.data.normalize;
  const checked = validateDataSpec(data);
  if (!checked.ok) return { ok: false, message: checked.issues.map((i) => i.message).join('; ') };
  const same =
    design.data.source === 'csv' &&
    design.data.path === csv.path &&
    design.data.target === csv.target &&
    design.data.normalize === checked.value.normalize;
  let next: Design = same ? design : { ...design, data: checked.value };
  const inputs = next.graph.nodes.filter((n) => n.type === 'input');
  if (inputShape && inputs.length === 1) {
    const shaped = setParam(next, inputs[0].id, 'shape', inputShape);
    if (!shaped.ok) return shaped;
    next = shaped.design;
  }
  return { ok: true, design: next };
}

/** The shape of the design's one input layer, when it has exactly one. */
export function inputShapeOf(design: Design): number[] | null {
  const inputs = design.graph.nodes.filter((n) => n.type === 'input');
  const shape = inputs.length === 1 ? inputs[0].params.shape : undefined;
  return Array.isArray(shape) && shape.every((d) => typeof d === 'number') ? shape : null;
}
