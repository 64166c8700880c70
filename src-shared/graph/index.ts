/**
 * Graph rules: pure functions shared by the editor (live validation, drag to
 * connect) and the engine (before building), so "is this trainable?" has one
 * answer.
 */
export { analyzeGraph, MAX_ACTIVATION_ELEMENTS, MAX_TOTAL_PARAMS } from './analyze';
export type { GraphAnalysis } from './analyze';
export { canConnect } from './connect';
export type { ConnectionCandidate, ConnectResult } from './connect';
export { formatCount, formatShape, shapeSize } from './format';
export { handleName, nextFreeHandle, parseHandle } from './handles';
export { orderedInputs, topologicalOrder } from './order';
export type { TopologicalResult } from './order';
export type { NodeProblem } from './problems';
export { MAX_EDGES, MAX_NODES, NODE_ID_PATTERN } from './sanitize';
export { suggestLayerType } from './suggest';
