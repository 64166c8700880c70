/**
 * The design file: parse → reject too-new → migrate → validate on the way in,
 * stable serialization on the way out. Everything another module needs about
 * `.backflow.json` files is exported from here.
 */
export * from './types';
export { parseDesign, MAX_DESIGN_SIZE, MAX_DESIGN_DEPTH } from './parse';
export type { DesignParseResult, ParseDesignOptions } from './parse';
export { serializeDesign } from './serialize';
export { MAX_ISSUES } from './errors';
export type { DesignError, DesignErrorType, DesignIssue } from './errors';
export {
  DESIGN_MIGRATIONS,
  migrateDesign,
  checkMigrationRegistry,
  oldestReadableVersion,
} from './migrations';
export type { DesignMigration, MigrationResult, RawDesign } from './migrations';
export { validateTrainingSpec, TRAINING_DEFAULTS, TRAINING_KEYS, MAX_SEED } from './training';
export type { TrainingSpecResult } from './training';
export {
  DESIGN_LIMITS,
  EDGE_ID_PATTERN,
  EDGE_KEYS,
  NODE_ID_PATTERN,
  NODE_KEYS,
  REQUIRED_TOP_LEVEL_KEYS,
  TARGET_HANDLE_PATTERN,
  TOP_LEVEL_KEYS,
} from './limits';
export { validateDataSpec, describeData, BUILTIN_DATASET_INFO } from './datasets';
export type { DataDescription, DataSpecResult } from './datasets';
export { designJsonSchema } from './schema';
