/// <reference types="vite/client" />
/**
 * Test helper: the recorded runs of `fixtures/`, parsed. Only tests import
 * this (it relies on Vite's `import.meta.glob`).
 */
import { parseDesign } from '../design/parse';
import type { Design } from '../design/types';
import type { StepRecord } from '../telemetry';
import type { DivergenceInfo } from './types';

const designs = import.meta.glob('./fixtures/*.backflow.json', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const telemetry = import.meta.glob('./fixtures/*.jsonl', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** The names of the recorded runs. */
export const FIXTURE_NAMES = [
  'vanishing-sigmoid',
  'vanishing-sigmoid-relu-he',
  'exploding-relu',
  'healthy-tanh',
  'dead-relu',
  'saturating-tanh',
] as const;

export type FixtureName = (typeof FIXTURE_NAMES)[number];

export interface RecordedRun {
  design: Design;
  records: StepRecord[];
  diverged?: DivergenceInfo;
}

/** Parses a design file text, throwing on an invalid one. */
export function loadDesign(text: string): Design {
  const parsed = parseDesign(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.design;
}

/** One recorded run: its design, its step records and its divergence event if any. */
export function loadRun(name: FixtureName): RecordedRun {
  const designText = designs[`./fixtures/${name}.backflow.json`];
  const lines = telemetry[`./fixtures/${name}.jsonl`];
  if (designText === undefined || lines === undefined) throw new Error(`no fixture ${name}`);
  const parsed = lines
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { type: string });
  const diverged = parsed.find((l) => l.type === 'diverged') as DivergenceInfo | undefined;
  return {
    design: loadDesign(designText),
    records: parsed.filter((l): l is StepRecord => l.type === 'step'),
    diverged: diverged && { step: diverged.step, layerId: diverged.layerId, message: diverged.message },
  };
}

/** Every fixture design, by name. */
export function allFixtureDesigns(): Record<FixtureName, Design> {
  return Object.fromEntries(FIXTURE_NAMES.map((n) => [n, loadRun(n).design])) as Record<FixtureName, Design>;
}
