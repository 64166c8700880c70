/**
 * Problems of a design file as compilers print them: `file:line:column:
 * message`, one a line, the file named once per problem and nowhere else;
 * `file: message` when a problem has no place (the file cannot be read).
 * `--json` gets the same records as data.
 */
import { readFile } from 'node:fs/promises';
import { locateJsonPath } from '../../src-shared/design/json-locate';
import type { RunError } from '../engine/prepare-run';
import { EXIT, type CliIO } from './io';

/** One problem at one place; `line` and `column` count from 1 and are absent when there is no place. */
export interface Diagnostic {
  /** Absent for a problem of the run rather than the file (no compute backend). */
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

/** The problems of `error`, each placed in the text of `file` (read again: errors are rare, files small). */
export async function diagnosticsFor(file: string, error: RunError): Promise<Diagnostic[]> {
  const problems = error.problems;
  if (!problems?.length) return [{ file, message: error.message }];
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = undefined; // gone since: the messages still stand, without places
  }
  return problems.map((problem) => {
    if ('line' in problem)
      return { file, line: problem.line, column: problem.column, message: problem.message };
    if (text === undefined) return { file, message: problem.message };
    const { line, column } = locateJsonPath(text, problem.path);
    return { file, line, column, message: problem.message };
  });
}

/** `file:line:column: message` lines, ready for stderr. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map(({ file, line, column, message }) =>
      file === undefined
        ? `${message}\n`
        : line === undefined
          ? `${file}: ${message}\n`
          : `${file}:${line}:${column}: ${message}\n`,
    )
    .join('');
}

/**
 * Reports a failed command: the diagnostics on stderr and, with `--json`,
 * `{"ok":false,"errors":[…]}` on stdout. Resolves to exit code 1.
 */
export function reportFailure(io: CliIO, json: boolean, diagnostics: Diagnostic[]): number {
  io.err(formatDiagnostics(diagnostics));
  if (json) printJson(io, { ok: false, errors: diagnostics });
  return EXIT.failed;
}

/** Reports a design that cannot be run, each problem at its place in the file. */
export async function reportRunError(
  io: CliIO,
  json: boolean,
  file: string,
  error: RunError,
): Promise<number> {
  return reportFailure(io, json, await diagnosticsFor(file, error));
}

/** The one JSON object a `--json` command prints on stdout. */
export function printJson(io: CliIO, value: object): void {
  io.out(`${JSON.stringify(value)}\n`);
}
