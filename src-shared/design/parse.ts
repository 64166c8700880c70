/**
 * Loading a design file: size cap → JSON → envelope → refuse too-new →
 * migrate → validate → typed result (tldraw's `parseTldrawJsonFile`). Every
 * caller — the editor's Open, the engine host, the CLI, the server — goes
 * through here, so a file is either a design everywhere or nowhere.
 */
import { IssueList, invalidDesignError, describeType, preview, type DesignError } from './errors';
import { findJsonSyntaxError } from './json-syntax';
import { DESIGN_MIGRATIONS, migrateDesign, oldestReadableVersion, type DesignMigration } from './migrations';
import { CURRENT_FORMAT_VERSION, DESIGN_FORMAT, type Design } from './types';
import { validateDesignDocument } from './validate';

/** The largest design text accepted, in UTF-16 code units (≈ bytes for JSON): far above any real design. */
export const MAX_DESIGN_SIZE = 20 * 1024 * 1024;

/**
 * Deepest nesting accepted. A real design nests six levels
 * (`graph.nodes[i].params.kernelInitializer`); the cap keeps recursive code
 * downstream (JSON.stringify, structured clone) safe from a hostile file.
 */
export const MAX_DESIGN_DEPTH = 16;

/** Options for {@link parseDesign}. */
export interface ParseDesignOptions {
  /** Shown at the start of messages (`deep.backflow.json line 3, column 7: …`). */
  fileName?: string;
  /**
   * The migration registry; defaults to {@link DESIGN_MIGRATIONS}. Tests
   * inject synthetic steps here; applications never pass it.
   */
  migrations?: readonly DesignMigration[];
}

/** The outcome of {@link parseDesign}. */
export type DesignParseResult =
  | {
      ok: true;
      design: Design;
      /** The file's `formatVersion` when it was older and has been upgraded in memory. */
      migratedFrom?: number;
      /** Things the user should know that do not stop the load (e.g. the file was upgraded). */
      warnings: string[];
    }
  | { ok: false; error: DesignError };

/**
 * Parses, upgrades and validates the text of a `.backflow.json` file. Never
 * throws, whatever the input: every failure is a {@link DesignError} whose
 * message names the place and the problem. Checks structure only; whether the
 * graph is trainable is `analyzeGraph`'s question.
 */
export function parseDesign(text: string, options: ParseDesignOptions = {}): DesignParseResult {
  try {
    return parseUnsafe(text, options);
  } catch (error) {
    // A defect, not a user mistake: every path above is meant to return. Still never throw to the caller.
    const reason = error instanceof Error ? error.message : String(error);
    return fail('invalid', `${prefix(options)}could not be read: ${preview(reason, 200)}`);
  }
}

function parseUnsafe(text: string, options: ParseDesignOptions): DesignParseResult {
  const at = prefix(options);
  if (typeof text !== 'string')
    return fail('invalidJson', `${at}expected the text of a file, got ${describeType(text)}`);
  if (text.length > MAX_DESIGN_SIZE) {
    const megabytes = (text.length / (1024 * 1024)).toFixed(1);
    return fail(
      'tooLarge',
      `${at}is ${megabytes} MB; a design file may be at most ${MAX_DESIGN_SIZE / (1024 * 1024)} MB`,
    );
  }
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return fail('invalidJson', `${at}the file is empty`);

  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    const found = findJsonSyntaxError(body);
    const where = options.fileName ? `${options.fileName} ` : '';
    if (found)
      return fail('invalidJson', `${where}line ${found.line}, column ${found.column}: ${found.message}`);
    return fail(
      'invalidJson',
      `${at}not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return fail(
      'notADesign',
      `${at}not a Backflow design: expected a JSON object with "format": "${DESIGN_FORMAT}", got ${describeType(document)}`,
    );
  }
  const record = document as Record<string, unknown>;
  if (record.format !== DESIGN_FORMAT) {
    const got = Object.hasOwn(record, 'format')
      ? `"format" is ${preview(record.format)}`
      : 'it has no "format"';
    return fail(
      'notADesign',
      `${at}not a Backflow design: expected "format": "${DESIGN_FORMAT}", but ${got}`,
    );
  }
  const version = record.formatVersion;
  const migrations = options.migrations ?? DESIGN_MIGRATIONS;
  const oldest = oldestReadableVersion(migrations);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < oldest) {
    const got = Object.hasOwn(record, 'formatVersion') ? preview(version) : 'nothing';
    return fail('notADesign', `${at}"formatVersion" must be a whole number from ${oldest} up, got ${got}`);
  }
  if (version > CURRENT_FORMAT_VERSION) {
    return fail(
      'tooNew',
      `${at}this design was written by a newer Backflow (format ${version}; this version reads up to ${CURRENT_FORMAT_VERSION}) — update Backflow to open it`,
    );
  }

  const tooDeep = findTooDeep(record);
  if (tooDeep !== undefined) {
    const issues = new IssueList();
    issues.add(
      tooDeep,
      `${tooDeep}: nested more than ${MAX_DESIGN_DEPTH} levels deep; no design field nests that far`,
    );
    return { ok: false, error: invalidDesignError(issues, options.fileName) };
  }

  const migrated = migrateDesign(record, version, migrations);
  if (!migrated.ok) {
    return fail(
      'migrationFailed',
      `${at}could not upgrade this design from format ${version}: ${migrated.message}`,
    );
  }

  const issues = new IssueList();
  const design = validateDesignDocument(migrated.document, issues);
  if (!design) return { ok: false, error: invalidDesignError(issues, options.fileName) };
  if (version === CURRENT_FORMAT_VERSION) return { ok: true, design, warnings: [] };
  return {
    ok: true,
    design,
    migratedFrom: version,
    warnings: [
      `upgraded from format ${version} to ${CURRENT_FORMAT_VERSION} (${migrated.applied.join(', ')}); saving writes format ${CURRENT_FORMAT_VERSION}, which older Backflow versions cannot open`,
    ],
  };
}

/**
 * The JSON path of the first value nested deeper than {@link MAX_DESIGN_DEPTH},
 * found without recursion (JSON.parse itself is iterative, so the parsed
 * value can be arbitrarily deep).
 */
function findTooDeep(root: object): string | undefined {
  // Parallel arrays, one entry per container, so the path is built only on failure.
  const values: object[] = [root];
  const parents: number[] = [-1];
  const keys: (string | number)[] = [''];
  const depths: number[] = [1];
  const stack: number[] = [0];
  while (stack.length) {
    const index = stack.pop()!;
    const depth = depths[index];
    if (depth > MAX_DESIGN_DEPTH) return pathOf(index, parents, keys);
    const value = values[index];
    const entries: Iterable<[string | number, unknown]> = Array.isArray(value)
      ? value.entries()
      : Object.entries(value);
    for (const [key, item] of entries) {
      if (item === null || typeof item !== 'object') continue;
      stack.push(values.length);
      values.push(item);
      parents.push(index);
      keys.push(key);
      depths.push(depth + 1);
    }
  }
  return undefined;
}

function pathOf(index: number, parents: number[], keys: (string | number)[]): string {
  let path = '';
  for (let at = index; parents[at] !== -1; at = parents[at]) {
    const key = keys[at];
    path = typeof key === 'number' ? `[${key}]${path}` : `.${key}${path}`;
  }
  return path.startsWith('.') ? path.slice(1) : path;
}

function prefix(options: ParseDesignOptions): string {
  return options.fileName ? `${options.fileName}: ` : '';
}

function fail(type: DesignError['type'], message: string): DesignParseResult {
  return { ok: false, error: { type, message } };
}
