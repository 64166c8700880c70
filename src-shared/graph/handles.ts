/**
 * Input slots of multi-input layers (`add`, `concatenate`): edges name their
 * slot in `targetHandle` as `in0`, `in1`, …, which fixes the input order.
 */
import type { DesignGraph } from '../design/types';
import { getLayerSpec } from '../layers/index';

const HANDLE = /^in(0|[1-9][0-9]{0,2})$/;

/** The slot number of a well-formed handle (`in3` → 3), else undefined. */
export function parseHandle(handle: unknown): number | undefined {
  if (typeof handle !== 'string') return undefined;
  const match = HANDLE.exec(handle);
  return match ? Number(match[1]) : undefined;
}

/** The handle name of slot `i`: `in{i}`. */
export function handleName(i: number): string {
  return `in${i}`;
}

/** Edges sorted by slot number; edges without a well-formed handle keep file order after the others. */
export function sortByHandle<E extends { targetHandle?: string }>(edges: readonly E[]): E[] {
  const slot = (e: E) => parseHandle(e.targetHandle) ?? Number.POSITIVE_INFINITY;
  // Array.prototype.sort is stable, so ties and unslotted edges keep file order.
  return [...edges].sort((a, b) => (slot(a) === slot(b) ? 0 : slot(a) < slot(b) ? -1 : 1));
}

/**
 * The lowest free slot of a multi-input node, for the editor to give a newly
 * dragged edge. Undefined when the node is unknown, takes a single input (its
 * edges need no handle) or already has its maximum number of inputs.
 */
export function nextFreeHandle(graph: DesignGraph, nodeId: string): string | undefined {
  const node = graph.nodes.find((n) => n.id === nodeId);
  const spec = node ? getLayerSpec(node.type) : undefined;
  if (!spec || spec.inputs.max <= 1) return undefined;
  const incoming = graph.edges.filter((e) => e.target === nodeId);
  if (incoming.length >= spec.inputs.max) return undefined;
  const used = new Set(incoming.map((e) => parseHandle(e.targetHandle)));
  for (let i = 0; i < spec.inputs.max; i++) if (!used.has(i)) return handleName(i);
  return undefined;
}
