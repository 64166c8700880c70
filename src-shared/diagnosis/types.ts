/**
 * What the diagnosis says about a run: findings in plain language, each with
 * the remedies that address it as pure edits of the design.
 */
import type { Design } from '../design/types';
import type { StepRecord } from '../telemetry';

/** The problems the diagnosis recognises. */
export type FindingKind =
  'vanishing' | 'exploding' | 'divergence' | 'saturation' | 'deadUnits' | 'largeUpdates' | 'smallUpdates';

/** `error`: the run cannot succeed as is; `warning`: it learns badly; `info`: worth knowing. */
export type Severity = 'info' | 'warning' | 'error';

/**
 * A one-click fix: a pure, undoable edit of the design. `apply` returns a new
 * design (the argument is never mutated) that parses, serializes and is
 * trainable whenever the argument was; existing node ids are kept, so runs
 * before and after line up in an A/B comparison.
 */
export interface Remedy {
  /** Stable within a finding (`swap-relu-he`, `lower-lr`), for keys and tests. */
  id: string;
  /** Button text: short and imperative ("Swap sigmoid → ReLU + He init"). */
  label: string;
  /** What the edit changes and why it helps, in one or two sentences. */
  description: string;
  apply(design: Design): Design;
}

/** One thing the diagnosis noticed. */
export interface Finding {
  /** Unique within one `diagnose` result (`vanishing`, `saturation`). */
  id: string;
  kind: FindingKind;
  severity: Severity;
  /** One line ("Vanishing gradient in d1–d6"). */
  title: string;
  /** The evidence in plain language, with the numbers. */
  detail: string;
  /** Design node ids the finding is about, in network order. */
  layers: string[];
  remedies: Remedy[];
}

/** The divergence event of a run, as the engine reports it. */
export interface DivergenceInfo {
  step: number;
  layerId: string | null;
  message: string;
}

/** What `diagnose` needs besides the telemetry. */
export interface DiagnosisContext {
  /** The design the run trained: names activations, initializers and the graph for remedies. */
  design: Design;
  /** Present when the run stopped on a NaN or infinite value. */
  diverged?: DivergenceInfo;
}

/** Telemetry records as `diagnose` reads them (step lines of the JSONL, or unpacked steps). */
export type Records = readonly StepRecord[];
