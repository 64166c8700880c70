/** What every diagnosis rule reads, computed once by `diagnose`. */
import type { Design } from '../../design/types';
import type { StepRecord } from '../../telemetry';
import { stat, type RunWindow } from '../stats';
import type { DivergenceInfo } from '../types';

export interface RuleInput {
  design: Design;
  /** Undefined when no step was recorded (a run that diverged at once). */
  window: RunWindow | undefined;
  /** Every step record, in step order. */
  records: readonly StepRecord[];
  diverged?: DivergenceInfo;
  /** Telemetry layers in network order, as the last record lists them. */
  layers: readonly { id: string; type: string }[];
}

/** Ids of the telemetry layers that report `field` in some record of the window. */
export function layersWith(
  input: RuleInput,
  field: 'gradNorm' | 'saturatedFraction' | 'deadFraction' | 'updateRatio',
  types?: readonly string[],
): string[] {
  const records = input.window ? [input.window.init, ...input.window.recent] : [];
  return input.layers
    .filter((l) => !types || types.includes(l.type))
    .filter((l) => records.some((r) => stat(r, l.id, field) !== undefined))
    .map((l) => l.id);
}
