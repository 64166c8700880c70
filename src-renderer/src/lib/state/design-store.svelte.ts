/**
 * The open design: one immutable document in `$state.raw`, replaced by every
 * edit, with the undo history of those edits. Components read `design`; only
 * `apply`, `undo`, `redo` and `load` change it.
 */
import { TRAINING_DEFAULTS } from '../../../../src-shared/design/training';
import { CURRENT_FORMAT_VERSION, DESIGN_FORMAT, type Design } from '../../../../src-shared/design/types';
import type { EditResult } from '../model/edits';
import { applyDiff, diffDesigns, type DesignDiff } from './diff';
import { HistoryManager } from './history.svelte';

/** A fresh, empty design with the defaults a new user would pick. */
export function emptyDesign(name = 'Untitled design'): Design {
  return {
    format: DESIGN_FORMAT,
    formatVersion: CURRENT_FORMAT_VERSION,
    name,
    graph: { nodes: [], edges: [] },
    data: { source: 'builtin', name: 'spiral', samples: 600, classes: 3, noise: 0.1 },
    // Every default parseDesign would fill, so a new design saves, reopens and saves to the same bytes.
    training: {
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 64,
      epochs: 20,
      seed: 42,
      ...TRAINING_DEFAULTS,
    },
  };
}

export type ApplyResult = { ok: true; changed: boolean; select?: string[] } | { ok: false; message: string };

export class DesignStore {
  design = $state.raw<Design>(emptyDesign());
  readonly history = new HistoryManager();

  constructor(initial?: Design) {
    if (initial) this.design = initial;
  }

  /** Opens a document: nothing before it can be undone. */
  load(design: Design): void {
    this.history.clear();
    this.design = design;
  }

  /**
   * Runs an edit against the current document and, if it succeeds and changes
   * something, makes the result current and records the diff. A failing or
   * throwing edit leaves the document exactly as it was.
   */
  apply(label: string, edit: (design: Design) => EditResult): ApplyResult {
    let result: EditResult;
    try {
      result = edit(this.design);
    } catch (error) {
      return {
        ok: false,
        message: `${label} failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (!result.ok) return result;
    const before = this.design;
    if (result.design === before) return { ok: true, changed: false, select: result.select };
    this.history.record(diffDesigns(before, result.design), label);
    this.design = result.design;
    return { ok: true, changed: true, select: result.select };
  }

  /** Groups every edit until {@link endGesture} into one undo step. */
  beginGesture(label: string): void {
    this.history.beginGesture(label);
  }

  endGesture(): void {
    this.history.endGesture();
  }

  undo(): boolean {
    return this.#replay(this.history.undo());
  }

  redo(): boolean {
    return this.#replay(this.history.redo());
  }

  #replay(diffs: DesignDiff[] | undefined): boolean {
    if (!diffs) return false;
    this.design = diffs.reduce(applyDiff, this.design);
    return true;
  }
}
