/**
 * Structural checks of `graph`: node and edge records, ids, layer types and
 * params (through the catalogue's validateParams), positions, and edges that
 * point at existing nodes. Trainability is analyzeGraph's question.
 */
import { getLayerSpec } from '../layers/index';
import { validateParams } from '../layers/params';
import { LAYER_TYPES, type ParamValue, type Params } from '../layers/types';
import { checkKeys, describeType, didYouMean, isRecord, joinPath, preview, type IssueList } from './errors';
import {
  DESIGN_LIMITS,
  EDGE_ID_PATTERN,
  EDGE_KEYS,
  NODE_ID_PATTERN,
  NODE_KEYS,
  TARGET_HANDLE_PATTERN,
} from './limits';
import type { Design, DesignEdge, DesignNode, Position } from './types';

/** More params than any layer declares, by far: beyond this a node is refused without a per-key check. */
const MAX_PARAM_KEYS = 64;

/** Checks the raw `graph` value; returns it typed, or undefined when any part is invalid. */
export function validateGraph(raw: unknown, issues: IssueList): Design['graph'] | undefined {
  if (!isRecord(raw)) {
    issues.add('graph', `"graph" must be an object { nodes, edges }, got ${describeType(raw)}`);
    return undefined;
  }
  checkKeys(issues, raw, ['nodes', 'edges'], 'graph', 'graph');
  const lists: Record<'nodes' | 'edges', unknown[] | undefined> = { nodes: undefined, edges: undefined };
  for (const key of ['nodes', 'edges'] as const) {
    const list = raw[key];
    const limit = DESIGN_LIMITS[key];
    if (!Array.isArray(list))
      issues.add(`graph.${key}`, `"graph.${key}" must be a list, got ${describeType(list)}`);
    else if (list.length > limit) {
      issues.add(
        `graph.${key}`,
        `"graph.${key}" has ${list.length} entries; a design holds at most ${limit}`,
      );
    } else lists[key] = list;
  }
  const nodes = lists.nodes ? validateNodes(lists.nodes, issues) : undefined;
  // Edges are checked against every id a node claims, valid or not, so one bad node is one issue.
  const ids = new Set((lists.nodes ?? []).map((node) => (isRecord(node) ? node.id : undefined)));
  const edges = lists.edges ? validateEdges(lists.edges, ids, issues) : undefined;
  return nodes && edges ? { nodes, edges } : undefined;
}

function validateNodes(list: unknown[], issues: IssueList): DesignNode[] {
  const nodes: DesignNode[] = [];
  const firstIndex = new Map<string, number>();
  list.forEach((raw, index) => {
    if (issues.full) return;
    const at = `graph.nodes[${index}]`;
    if (!isRecord(raw)) {
      issues.add(at, `${at}: must be an object { id, type, params }, got ${describeType(raw)}`);
      return;
    }
    const { id, type } = raw;
    const validId = typeof id === 'string' && NODE_ID_PATTERN.test(id);
    const label = validId ? `${at} (${id})` : at;
    checkKeys(issues, raw, NODE_KEYS, at, label);
    if (!Object.hasOwn(raw, 'id')) issues.add(`${at}.id`, `${label}: "id" is missing`);
    else if (!validId) {
      issues.add(
        `${at}.id`,
        `${label}: "id" must be a name of letters, digits, "_", "." or "-" (at most 64, not starting with a digit), got ${describeType(id)}`,
      );
    } else if (firstIndex.has(id)) {
      issues.add(
        `${at}.id`,
        `${label}: duplicate id "${id}" (already used by graph.nodes[${firstIndex.get(id)}])`,
      );
    } else firstIndex.set(id, index);

    const known: readonly string[] = LAYER_TYPES;
    // Only catalogue names reach getLayerSpec, so "constructor" cannot find Object.prototype's.
    const spec = typeof type === 'string' && known.includes(type) ? getLayerSpec(type) : undefined;
    if (!Object.hasOwn(raw, 'type')) issues.add(`${at}.type`, `${label}: "type" is missing`);
    else if (!spec) {
      const hint = typeof type === 'string' ? didYouMean(type, known) : '';
      issues.add(
        `${at}.type`,
        `${label}: unknown layer type ${preview(type)}${hint}; known: ${known.join(', ')}`,
      );
    }
    let params: Params | undefined;
    const paramCount = isRecord(raw.params) ? Object.keys(raw.params).length : 0;
    if (spec && paramCount > MAX_PARAM_KEYS) {
      // validateParams suggests a name for every unknown key; a hostile file could hold a million.
      issues.add(`${at}.params`, `${label}: "params" has ${paramCount} keys; no layer takes more than a few`);
    } else if (spec) {
      const result = validateParams(spec, raw.params);
      if (result.ok) params = canonicalParams(result.params);
      else {
        for (const issue of result.issues) {
          issues.add(joinPath(`${at}.params`, issue.param), `${label}: ${issue.message}`);
        }
      }
    }
    const position =
      raw.position === undefined ? undefined : validatePosition(raw.position, at, label, issues);
    const trainable = raw.trainable;
    const trainableOk = trainable === undefined || typeof trainable === 'boolean';
    if (!trainableOk) {
      issues.add(`${at}.trainable`, `${label}: "trainable" must be true or false, got ${preview(trainable)}`);
    }
    if (!validId || !spec || !params || position === null || !trainableOk) return;
    const node: DesignNode = { id, type: spec.type, params };
    // true is the default and is dropped, so parse → serialize → parse is an identity.
    if (trainable === false) node.trainable = false;
    if (position) node.position = position;
    nodes.push(node);
  });
  return nodes;
}

/** The checked position rounded to 0.1 px (so saved diffs stay small), or null when invalid. */
function validatePosition(raw: unknown, at: string, label: string, issues: IssueList): Position | null {
  if (!isRecord(raw)) {
    issues.add(`${at}.position`, `${label}: "position" must be an object { x, y }, got ${describeType(raw)}`);
    return null;
  }
  checkKeys(issues, raw, ['x', 'y'], `${at}.position`, label);
  let ok = true;
  for (const axis of ['x', 'y'] as const) {
    const value = raw[axis];
    const limit = DESIGN_LIMITS.coordinate;
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) {
      issues.add(
        `${at}.position.${axis}`,
        `${label}: "position.${axis}" must be a number from -${limit} to ${limit}, got ${preview(value)}`,
      );
      ok = false;
    }
  }
  return ok ? { x: roundCoordinate(raw.x as number), y: roundCoordinate(raw.y as number) } : null;
}

function validateEdges(list: unknown[], nodeIds: Set<unknown>, issues: IssueList): DesignEdge[] {
  const edges: DesignEdge[] = [];
  const firstIndex = new Map<string, number>();
  list.forEach((raw, index) => {
    if (issues.full) return;
    const at = `graph.edges[${index}]`;
    if (!isRecord(raw)) {
      issues.add(at, `${at}: must be an object { id, source, target }, got ${describeType(raw)}`);
      return;
    }
    const { id, source, target, targetHandle } = raw;
    const validId = typeof id === 'string' && EDGE_ID_PATTERN.test(id);
    const label = validId ? `${at} (${id})` : at;
    checkKeys(issues, raw, EDGE_KEYS, at, label);
    let ok = validId;
    if (!Object.hasOwn(raw, 'id')) issues.add(`${at}.id`, `${label}: "id" is missing`);
    else if (!validId) {
      issues.add(
        `${at}.id`,
        `${label}: "id" must be a name of letters, digits, "_", ".", ":" or "-" (at most 128), got ${describeType(id)}`,
      );
    } else if (firstIndex.has(id)) {
      issues.add(
        `${at}.id`,
        `${label}: duplicate edge id "${id}" (already used by graph.edges[${firstIndex.get(id)}])`,
      );
      ok = false;
    } else firstIndex.set(id, index);
    for (const [key, end] of [
      ['source', source],
      ['target', target],
    ] as const) {
      if (!Object.hasOwn(raw, key)) issues.add(`${at}.${key}`, `${label}: "${key}" is missing`);
      else if (typeof end !== 'string') {
        issues.add(`${at}.${key}`, `${label}: "${key}" must be a node id, got ${describeType(end)}`);
      } else if (!nodeIds.has(end)) {
        issues.add(
          `${at}.${key}`,
          `${label}: "${key}" refers to ${preview(end)}, which is not a node of the design`,
        );
      } else continue;
      ok = false;
    }
    if (
      targetHandle !== undefined &&
      (typeof targetHandle !== 'string' || !TARGET_HANDLE_PATTERN.test(targetHandle))
    ) {
      issues.add(
        `${at}.targetHandle`,
        `${label}: "targetHandle" must be in0, in1, … (the input slot), got ${preview(targetHandle)}`,
      );
      ok = false;
    }
    if (!ok) return;
    const edge: DesignEdge = { id: id as string, source: source as string, target: target as string };
    if (targetHandle !== undefined) edge.targetHandle = targetHandle as string;
    edges.push(edge);
  });
  return edges;
}

/** Rounds a canvas coordinate to 0.1 px; `-0` becomes `0` so a round trip through JSON is exact. */
export function roundCoordinate(value: number): number {
  return Math.round(value * 10) / 10 + 0;
}

/** Replaces `-0` (which JSON writes as `0`) so that parse → serialize → parse is an identity. */
function canonicalParams(params: Params): Params {
  const fix = (value: ParamValue): ParamValue => {
    if (typeof value === 'number') return value + 0;
    if (Array.isArray(value)) return value.map((item: number) => item + 0);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, typeof item === 'number' ? item + 0 : item]),
      );
    }
    return value;
  };
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, fix(value)]));
}
