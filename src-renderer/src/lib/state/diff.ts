/**
 * Diffs between two design documents, the unit the undo history records
 * (tldraw's RecordsDiff): which nodes and edges were added, removed or
 * replaced, and which top-level fields changed. A diff can be applied forwards
 * and inverted, and applying then inverting gives back an identical document,
 * array order included.
 */
import type { Design, DesignEdge, DesignNode } from '../../../../src-shared/design/types';

interface Identified {
  readonly id: string;
}

/** A record that entered or left a list, with its index in the list that holds it. */
export interface Placed<R> {
  index: number;
  record: R;
}

export interface RecordsDiff<R extends Identified> {
  /** Indices in the list after the change. */
  added: Placed<R>[];
  /** Indices in the list before the change. */
  removed: Placed<R>[];
  /** `[before, after]`, same id, same index. */
  updated: [R, R][];
}

/** The top-level fields of a design other than its graph. */
export type DesignField = 'name' | 'description' | 'data' | 'training';
const FIELDS: readonly DesignField[] = ['name', 'description', 'data', 'training'];

export interface DesignDiff {
  nodes: RecordsDiff<DesignNode>;
  edges: RecordsDiff<DesignEdge>;
  fields: Partial<Record<DesignField, [unknown, unknown]>>;
}

/**
 * The changes that turn `before` into `after`. Records are compared by
 * identity: the document is replaced, never mutated, so an untouched node is
 * the same object in both.
 */
export function diffRecords<R extends Identified>(before: readonly R[], after: readonly R[]): RecordsDiff<R> {
  const afterIds = new Map(after.map((r, i) => [r.id, i]));
  const beforeIds = new Map(before.map((r, i) => [r.id, i]));
  const diff: RecordsDiff<R> = { added: [], removed: [], updated: [] };
  const keptBefore: string[] = [];
  before.forEach((record, index) => {
    const j = afterIds.get(record.id);
    if (j === undefined) diff.removed.push({ index, record });
    else {
      keptBefore.push(record.id);
      if (after[j] !== record) diff.updated.push([record, after[j]]);
    }
  });
  const keptAfter: string[] = [];
  after.forEach((record, index) => {
    if (!beforeIds.has(record.id)) diff.added.push({ index, record });
    else keptAfter.push(record.id);
  });
  // Kept records that changed their relative order cannot be described by
  // insertions at indices: describe the whole list as replaced instead.
  if (keptBefore.some((id, i) => keptAfter[i] !== id)) {
    return {
      added: after.map((record, index) => ({ index, record })),
      removed: before.map((record, index) => ({ index, record })),
      updated: [],
    };
  }
  return diff;
}

export function applyRecords<R extends Identified>(list: readonly R[], diff: RecordsDiff<R>): R[] {
  if (isEmptyRecords(diff)) return list as R[];
  const removed = new Set(diff.removed.map((p) => p.record.id));
  const updated = new Map(diff.updated.map(([, after]) => [after.id, after]));
  const next = list.filter((r) => !removed.has(r.id)).map((r) => updated.get(r.id) ?? r);
  for (const { index, record } of [...diff.added].sort((a, b) => a.index - b.index)) {
    next.splice(index, 0, record);
  }
  return next;
}

export function invertRecords<R extends Identified>(diff: RecordsDiff<R>): RecordsDiff<R> {
  return {
    added: diff.removed,
    removed: diff.added,
    updated: diff.updated.map(([before, after]) => [after, before]),
  };
}

function isEmptyRecords(diff: RecordsDiff<Identified>): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.updated.length === 0;
}

export function diffDesigns(before: Design, after: Design): DesignDiff {
  const fields: DesignDiff['fields'] = {};
  for (const field of FIELDS) {
    if (before[field] !== after[field]) fields[field] = [before[field], after[field]];
  }
  return {
    nodes: diffRecords(before.graph.nodes, after.graph.nodes),
    edges: diffRecords(before.graph.edges, after.graph.edges),
    fields,
  };
}

export function isEmptyDiff(diff: DesignDiff): boolean {
  return isEmptyRecords(diff.nodes) && isEmptyRecords(diff.edges) && Object.keys(diff.fields).length === 0;
}

export function applyDiff(design: Design, diff: DesignDiff): Design {
  if (isEmptyDiff(diff)) return design;
  const next: Design = { ...design };
  for (const [field, change] of Object.entries(diff.fields) as [DesignField, [unknown, unknown]][]) {
    const value = change[1];
    if (value === undefined) delete next[field];
    else (next as unknown as Record<DesignField, unknown>)[field] = value;
  }
  const nodes = applyRecords(design.graph.nodes, diff.nodes);
  const edges = applyRecords(design.graph.edges, diff.edges);
  if (nodes !== design.graph.nodes || edges !== design.graph.edges) next.graph = { nodes, edges };
  return next;
}

export function invertDiff(diff: DesignDiff): DesignDiff {
  const fields: DesignDiff['fields'] = {};
  for (const [field, [before, after]] of Object.entries(diff.fields) as [DesignField, [unknown, unknown]][]) {
    fields[field] = [after, before];
  }
  return { nodes: invertRecords(diff.nodes), edges: invertRecords(diff.edges), fields };
}
