/**
 * Pieces of a graph on the clipboard: copy, paste and duplicate. A fragment
 * travels as JSON text, so it also pastes into another window (or another
 * instance of the app), and anything read back is checked like a file.
 */
import { parseDesign } from '../../../../src-shared/design/parse';
import type { Design, DesignEdge, DesignNode, Position } from '../../../../src-shared/design/types';
import {
  DESIGN_LIMITS,
  NODE_ID_PATTERN,
  TARGET_HANDLE_PATTERN,
} from '../../../../src-shared/design/validate';
import { getLayerSpec, validateParams } from '../../../../src-shared/layers/index';
import { fail, idPrefix, makeEdge, roundPosition, withGraph, type EditResult } from './edits';
import { freshId, takenIds } from '../../../../src-shared/design/ids';

export const FRAGMENT_FORMAT = 'backflow.fragment';

export interface Fragment {
  nodes: DesignNode[];
  edges: DesignEdge[];
}

/** The chosen nodes and the edges between them (edges to the outside are left behind). */
export function extractFragment(design: Design, nodeIds: Iterable<string>): Fragment {
  const ids = new Set(nodeIds);
  return {
    nodes: design.graph.nodes.filter((n) => ids.has(n.id)),
    edges: design.graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
}

export function serializeFragment(fragment: Fragment): string {
  return JSON.stringify({ format: FRAGMENT_FORMAT, formatVersion: 1, ...fragment }, null, 2);
}

type FragmentResult = { ok: true; fragment: Fragment } | { ok: false; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads clipboard text: a fragment copied from Backflow, or a whole design
 * file (its graph is pasted). Every node is checked against the layer
 * catalogue; edges that leave the fragment are dropped.
 */
export function parseFragment(text: string): FragmentResult {
  const refuse = (why: string): FragmentResult => ({ ok: false, message: `Nothing to paste: ${why}` });
  if (text.length > 5_000_000) return refuse('the clipboard text is too large');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return refuse('the clipboard does not hold Backflow layers');
  }
  if (isRecord(raw) && raw.format === 'backflow.design') {
    const parsed = parseDesign(text);
    if (!parsed.ok) return refuse(parsed.error.message);
    return {
      ok: true,
      fragment: { nodes: [...parsed.design.graph.nodes], edges: [...parsed.design.graph.edges] },
    };
  }
  if (!isRecord(raw) || raw.format !== FRAGMENT_FORMAT || !Array.isArray(raw.nodes)) {
    return refuse('the clipboard does not hold Backflow layers');
  }
  if (raw.nodes.length > DESIGN_LIMITS.nodes) return refuse('too many layers');
  const nodes: DesignNode[] = [];
  for (const item of raw.nodes) {
    const node = readNode(item);
    if (typeof node === 'string') return refuse(node);
    nodes.push(node);
  }
  const ids = new Set(nodes.map((n) => n.id));
  const edges: DesignEdge[] = [];
  for (const item of Array.isArray(raw.edges) ? raw.edges : []) {
    if (!isRecord(item) || typeof item.source !== 'string' || typeof item.target !== 'string') continue;
    if (!ids.has(item.source) || !ids.has(item.target)) continue;
    const edge: DesignEdge = { id: String(item.id ?? ''), source: item.source, target: item.target };
    if (typeof item.targetHandle === 'string' && TARGET_HANDLE_PATTERN.test(item.targetHandle)) {
      edge.targetHandle = item.targetHandle;
    }
    edges.push(edge);
  }
  return nodes.length ? { ok: true, fragment: { nodes, edges } } : refuse('the clipboard holds no layers');
}

function readNode(item: unknown): DesignNode | string {
  if (!isRecord(item) || typeof item.id !== 'string') return 'a layer without an id';
  const spec = getLayerSpec(String(item.type));
  if (!spec) return `unknown layer type ${JSON.stringify(item.type)}`;
  const params = validateParams(spec, item.params);
  if (!params.ok) return `${item.id}: ${params.issues[0].message}`;
  const node: DesignNode = { id: item.id, type: spec.type, params: params.params };
  const p = item.position;
  if (isRecord(p) && typeof p.x === 'number' && typeof p.y === 'number')
    node.position = roundPosition({ x: p.x, y: p.y });
  return node;
}

/**
 * Adds a copy of `fragment` with fresh ids, shifted by `offset`, and selects
 * the copy. Ids that are free (and valid) are kept, so a paste into an empty design keeps
 * the names it was copied with.
 */
export function insertFragment(design: Design, fragment: Fragment, offset: Position): EditResult {
  if (fragment.nodes.length === 0) return fail('Nothing to paste');
  if (design.graph.nodes.length + fragment.nodes.length > DESIGN_LIMITS.nodes) {
    return fail(`A design holds at most ${DESIGN_LIMITS.nodes} layers`);
  }
  const taken = takenIds(design.graph);
  const rename = new Map<string, string>();
  const nodes = fragment.nodes.map((node, i) => {
    const keep = NODE_ID_PATTERN.test(node.id) && !taken.has(node.id);
    const id = !keep ? freshId(idPrefix(node.type), taken) : node.id;
    taken.add(id);
    rename.set(node.id, id);
    const base = node.position ?? { x: (i % 6) * 220, y: Math.floor(i / 6) * 110 };
    return { ...node, id, position: roundPosition({ x: base.x + offset.x, y: base.y + offset.y }) };
  });
  const edges = fragment.edges.map((e) =>
    makeEdge(rename.get(e.source) ?? e.source, rename.get(e.target) ?? e.target, taken, e.targetHandle),
  );
  return {
    ok: true,
    design: withGraph(design, [...design.graph.nodes, ...nodes], [...design.graph.edges, ...edges]),
    select: nodes.map((n) => n.id),
  };
}
