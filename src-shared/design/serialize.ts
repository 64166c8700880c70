/**
 * Writing a design file. The output is stable — fixed key order, parameters
 * in the catalogue's order, positions rounded to 0.1 px, 2-space indentation,
 * short number lists on one line, a trailing newline — so saving an unchanged
 * design changes no byte, and a real edit shows as a small diff. The layout
 * matches what Prettier prints for JSON, so shipped examples pass the lint.
 */
import { getLayerSpec } from '../layers/index';
import type { ParamValue, Params } from '../layers/types';
import { formatJson } from './json-print';
import { TRAINING_KEYS } from './training';
import {
  CURRENT_FORMAT_VERSION,
  DESIGN_FORMAT,
  type DataSpec,
  type Design,
  type DesignEdge,
  type DesignNode,
} from './types';
import { roundCoordinate } from './validate-graph';

/** The order of `data` keys for each source; keys not listed follow, sorted. */
const DATA_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  builtin: ['source', 'name', 'samples', 'classes', 'noise', 'normalize'],
  csv: ['source', 'path', 'target', 'normalize'],
};

/**
 * Writes `design` as the text of a `.backflow.json` file, always in the
 * current format. For any design that {@link parseDesign} returned,
 * `parseDesign(serializeDesign(d)).design` deep-equals `d`, and serializing
 * twice through a parse gives the same text.
 */
export function serializeDesign(design: Design): string {
  const document: Record<string, unknown> = {
    format: DESIGN_FORMAT,
    formatVersion: CURRENT_FORMAT_VERSION,
    name: design.name,
  };
  if (design.description !== undefined) document.description = design.description;
  document.graph = {
    nodes: design.graph.nodes.map(orderNode),
    edges: design.graph.edges.map(orderEdge),
  };
  document.data = orderKeys(
    design.data as DataSpec & Record<string, unknown>,
    DATA_KEY_ORDER[design.data.source] ?? [],
  );
  document.training = orderKeys(design.training as unknown as Record<string, unknown>, TRAINING_KEYS);
  return `${formatJson(document)}\n`;
}

function orderNode(node: DesignNode): Record<string, unknown> {
  const declared = Object.keys(getLayerSpec(node.type)?.params ?? {});
  const params: Record<string, unknown> = orderKeys(node.params as Params, declared);
  for (const [key, value] of Object.entries(params)) params[key] = orderParamValue(value as ParamValue);
  const ordered: Record<string, unknown> = { id: node.id, type: node.type, params };
  // Written only when false, so existing files and unfrozen designs keep their bytes.
  if (node.trainable === false) ordered.trainable = false;
  if (node.position) {
    ordered.position = { x: roundCoordinate(node.position.x), y: roundCoordinate(node.position.y) };
  }
  return ordered;
}

/** Initializer objects are written `{ "name": …, <argument> }`. */
function orderParamValue(value: ParamValue): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return orderKeys(value as Record<string, unknown>, ['name']);
}

function orderEdge(edge: DesignEdge): Record<string, unknown> {
  const ordered: Record<string, unknown> = { id: edge.id, source: edge.source, target: edge.target };
  if (edge.targetHandle !== undefined) ordered.targetHandle = edge.targetHandle;
  return ordered;
}

/** A copy with `first` keys in that order, then the rest sorted; undefined values dropped. */
function orderKeys(
  record: Readonly<Record<string, unknown>>,
  first: readonly string[],
): Record<string, unknown> {
  const rest = Object.keys(record)
    .filter((key) => !first.includes(key))
    .sort();
  const ordered: Record<string, unknown> = {};
  for (const key of [...first, ...rest]) {
    // defineProperty, not assignment: a key named "__proto__" must stay a plain key.
    if (Object.hasOwn(record, key) && record[key] !== undefined) {
      Object.defineProperty(ordered, key, {
        value: record[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return ordered;
}
