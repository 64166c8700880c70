/**
 * Upgrading design files written by older Backflow versions. Migrations are
 * append-only and named (tldraw's record migrations): once a version has
 * shipped, its files exist on users' disks, so a step is never edited or
 * removed — a fix is a new step. Each step takes the raw JSON document of
 * version `from` and returns the document of version `from + 1`; validation
 * runs only after the last step, against the current format.
 *
 * Adding format 2 is: bump CURRENT_FORMAT_VERSION, append one entry below,
 * keep a real version-1 file in resources/fixtures/designs/v1/, and test the
 * step.
 */
import { CURRENT_FORMAT_VERSION } from './types';

/** A design document as parsed JSON, before validation. */
export type RawDesign = Record<string, unknown>;

/** One upgrade step, from format `from` to `from + 1`. */
export interface DesignMigration {
  /** Unique, descriptive, never reused: `v1→v2 rename dropout.p to rate`. */
  name: string;
  from: number;
  /**
   * Returns the upgraded document. It may return a new object or modify its
   * argument (the caller owns that copy); throwing means the file cannot be
   * upgraded, and the message reaches the user.
   */
  migrate(document: RawDesign): RawDesign;
}

/**
 * Every migration ever shipped, oldest first. Format 1 is the first released
 * format, so the list is empty for now.
 */
export const DESIGN_MIGRATIONS: readonly DesignMigration[] = [];

/** The outcome of {@link migrateDesign}: the upgraded document and the names of the steps taken. */
export type MigrationResult =
  { ok: true; document: RawDesign; applied: string[] } | { ok: false; message: string };

/**
 * The oldest `formatVersion` the registry can upgrade: the first step's
 * `from`, or the target itself when there are no steps.
 */
export function oldestReadableVersion(
  migrations: readonly DesignMigration[] = DESIGN_MIGRATIONS,
  target: number = CURRENT_FORMAT_VERSION,
): number {
  return migrations.reduce((oldest, step) => Math.min(oldest, step.from), target);
}

/**
 * Checks that the registry is one unbroken chain ending at `target`: unique
 * names, consecutive `from` versions, no gaps. Run by the tests so a badly
 * appended entry fails before it ships.
 */
export function checkMigrationRegistry(
  migrations: readonly DesignMigration[],
  target: number = CURRENT_FORMAT_VERSION,
): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  migrations.forEach((step, index) => {
    if (names.has(step.name)) problems.push(`migration name "${step.name}" is used twice`);
    names.add(step.name);
    const expected = index === 0 ? step.from : migrations[index - 1].from + 1;
    if (step.from !== expected)
      problems.push(`migration "${step.name}" starts at ${step.from}, expected ${expected}`);
  });
  const last = migrations.at(-1);
  if (last && last.from + 1 !== target) {
    problems.push(
      `the last migration "${last.name}" ends at ${last.from + 1}, not at the current format ${target}`,
    );
  }
  return problems;
}

/**
 * Runs every step from `fromVersion` up to `target` on `document`, setting
 * `formatVersion` after each step so a step need not remember to. Never
 * throws: a throwing step becomes `{ ok: false }` naming it.
 */
export function migrateDesign(
  document: RawDesign,
  fromVersion: number,
  migrations: readonly DesignMigration[] = DESIGN_MIGRATIONS,
  target: number = CURRENT_FORMAT_VERSION,
): MigrationResult {
  const applied: string[] = [];
  let current = document;
  for (let version = fromVersion; version < target; version++) {
    const step = migrations.find((candidate) => candidate.from === version);
    if (!step) {
      return { ok: false, message: `no migration from format ${version} to ${version + 1}` };
    }
    try {
      const next = step.migrate(current);
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        return { ok: false, message: `migration "${step.name}" did not return a design object` };
      }
      current = next;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, message: `migration "${step.name}" failed: ${reason}` };
    }
    current.formatVersion = version + 1;
    applied.push(step.name);
  }
  return { ok: true, document: current, applied };
}
