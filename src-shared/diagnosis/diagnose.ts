/**
 * `diagnose`: plain-language findings about a training run, computed from its
 * telemetry with medians over the recent steps and the at-init step, each
 * with the remedies that address it.
 */
import type { StepRecord } from '../telemetry';
import { runWindow } from './stats';
import { divergenceRule, explodingRule, vanishingRule } from './rules/gradient';
import type { RuleInput } from './rules/input';
import { deadUnitsRule, saturationRule } from './rules/units';
import { updateRatioRule } from './rules/updates';
import type { DiagnosisContext, Finding, FindingKind, Severity } from './types';

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };
const KIND_ORDER: readonly FindingKind[] = [
  'divergence',
  'exploding',
  'vanishing',
  'saturation',
  'deadUnits',
  'largeUpdates',
  'smallUpdates',
];

/**
 * Reads a run's step records (any cadence, any order; other record types are
 * ignored) and returns its findings, most severe first. Pure: the same
 * records and design give the same findings. An empty list means nothing
 * looks wrong, not that the network will learn.
 */
export function diagnose(records: readonly StepRecord[], context: DiagnosisContext): Finding[] {
  const steps = records.filter((r) => r?.type === 'step').sort((a, b) => a.step - b.step);
  const last = steps[steps.length - 1];
  const input: RuleInput = {
    design: context.design,
    window: runWindow(steps),
    records: steps,
    diverged: context.diverged,
    layers: last ? last.layers.map((l) => ({ id: l.id, type: l.type })) : [],
  };
  const vanishing = vanishingRule(input);
  const findings = [
    ...divergenceRule(input),
    ...explodingRule(input),
    ...vanishing,
    ...saturationRule(input),
    ...deadUnitsRule(input),
    ...updateRatioRule(
      input,
      vanishing.flatMap((f) => f.layers),
    ),
  ];
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
}
