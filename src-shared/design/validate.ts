/**
 * Structural validation of a (migrated) design document: every key known,
 * every value of the right type and range, ids unique, edges pointing at
 * nodes. Whether the graph can *train* (cycles, shapes, connectivity) is not
 * checked here — a half-built design must still open in the editor — but by
 * `analyzeGraph` in src-shared/graph.
 */
import { validateDataSpec } from './datasets';
import { checkKeys, describeType, joinPath, type IssueList } from './errors';
import { DESIGN_LIMITS, REQUIRED_TOP_LEVEL_KEYS, TOP_LEVEL_KEYS } from './limits';
import type { RawDesign } from './migrations';
import { validateTrainingSpec } from './training';
import { CURRENT_FORMAT_VERSION, DESIGN_FORMAT, type Design } from './types';
import { validateGraph } from './validate-graph';

// Other modules imported these from here before limits.ts was split out; keep that path working.
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

/**
 * The body checks, after the envelope and migration. Returns the typed design,
 * or undefined with every problem (up to the cap) recorded in `issues`.
 */
export function validateDesignDocument(document: RawDesign, issues: IssueList): Design | undefined {
  checkKeys(issues, document, TOP_LEVEL_KEYS, '', 'top level');
  for (const key of REQUIRED_TOP_LEVEL_KEYS) {
    if (!Object.hasOwn(document, key)) issues.add(key, `"${key}" is missing`);
  }
  const { name, description } = document;
  if (
    Object.hasOwn(document, 'name') &&
    (typeof name !== 'string' || name.length > DESIGN_LIMITS.nameLength)
  ) {
    issues.add(
      'name',
      `"name" must be text of at most ${DESIGN_LIMITS.nameLength} characters, got ${describeType(name)}`,
    );
  }
  if (
    description !== undefined &&
    (typeof description !== 'string' || description.length > DESIGN_LIMITS.descriptionLength)
  ) {
    issues.add(
      'description',
      `"description" must be text of at most ${DESIGN_LIMITS.descriptionLength} characters, got ${describeType(description)}`,
    );
  }
  const graph = Object.hasOwn(document, 'graph') ? validateGraph(document.graph, issues) : undefined;

  let data: Design['data'] | undefined;
  if (Object.hasOwn(document, 'data')) {
    const result = validateDataSpec(document.data);
    if (result.ok) data = result.value;
    // validateDataSpec already writes full paths (`data.samples`) and names them in its messages.
    else for (const issue of result.issues) issues.add(issue.path, issue.message);
  }
  let training: Design['training'] | undefined;
  if (Object.hasOwn(document, 'training')) {
    const result = validateTrainingSpec(document.training);
    if (result.ok) training = result.value;
    else
      for (const issue of result.issues)
        issues.add(joinPath('training', issue.path), `training: ${issue.message}`);
  }
  if (issues.total > 0 || !graph || !data || !training) return undefined;
  const design: Design = {
    format: DESIGN_FORMAT,
    formatVersion: CURRENT_FORMAT_VERSION,
    name: name as string,
    graph,
    data,
    training,
  };
  if (description !== undefined) design.description = description as string;
  return design;
}
