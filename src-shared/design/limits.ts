/**
 * The design format's fixed vocabulary and limits, shared by the validator,
 * the serializer and the generated JSON Schema so the three cannot disagree.
 */
import { MAX_EDGES, MAX_NODES } from '../graph/sanitize';

/** Every top-level key a design may have, in the order they are written. */
export const TOP_LEVEL_KEYS = [
  'format',
  'formatVersion',
  'name',
  'description',
  'graph',
  'data',
  'training',
] as const;
/** The top-level keys a design must have. */
export const REQUIRED_TOP_LEVEL_KEYS = [
  'format',
  'formatVersion',
  'name',
  'graph',
  'data',
  'training',
] as const;
/** Keys of a node, in the order they are written; `id` and `type` are required. */
export const NODE_KEYS = ['id', 'type', 'params', 'trainable', 'position'] as const;
/** Keys of an edge, in the order they are written; all but `targetHandle` are required. */
export const EDGE_KEYS = ['id', 'source', 'target', 'targetHandle'] as const;

/** Size limits: generous for any real network, small enough that a hostile file cannot stall the editor. */
export const DESIGN_LIMITS = {
  nameLength: 200,
  descriptionLength: 5000,
  nodes: MAX_NODES,
  edges: MAX_EDGES,
  /** Canvas coordinates beyond this are a corrupt file, not a layout. */
  coordinate: 1_000_000,
} as const;

/**
 * Node ids become TensorFlow.js layer names and telemetry keys, so they are
 * restricted to what tfjs accepts for a layer name (a letter or digit first).
 * One definition, shared with the graph rules, so a file that loads is never
 * refused by analyzeGraph for its ids.
 */
export { NODE_ID_PATTERN } from '../graph/sanitize';
/** Edge ids are only keys within the file; the editor's generated ids fit this. */
export const EDGE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;
/** `in0`, `in1`, …: the input slot of a multi-input layer. */
export const TARGET_HANDLE_PATTERN = /^in(?:0|[1-9][0-9]{0,2})$/;
