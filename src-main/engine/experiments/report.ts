/**
 * The suite's results as JSON, Markdown and terminal tables. Ratios are
 * averaged over seeds geometrically (they span orders of magnitude), losses,
 * accuracies and fractions arithmetically.
 */
import { fmt, lossOf } from './checks';
import type { ArmRun } from './measure';
import { geometricMean, mean } from './metrics';
import type { ExperimentResult } from './run';

/** A whole run of the command: what was run, how, and every result. */
export interface SuiteReport {
  /** The command line that produced it, e.g. `npx backflow reproduce --quick`. */
  command: string;
  quick: boolean;
  backend: string;
  /** ISO date and time the run finished. */
  finishedAt: string;
  seconds: number;
  experiments: ExperimentResult[];
}

type Table = { header: string[]; rows: string[][] };

/** The check table of an experiment: claim, expected, measured, verdict. */
export function checkTable(result: ExperimentResult): Table {
  return {
    header: ['check', 'expected (paper)', 'measured', 'direction holds?'],
    rows: result.checks.map((c) => [c.claim, c.expected, c.measured, c.holds ? 'yes' : 'NO']),
  };
}

/** The measurement table of an experiment: one row per arm, averaged over seeds. */
export function armTable(result: ExperimentResult): Table {
  const header = [
    'arm',
    '‖∂L/∂W‖ first/last, init → trained',
    '‖∂L/∂h‖ first/last, init → trained',
    'decay/layer at init',
    `train loss, last 10 % of ${result.steps} steps`,
    'loss on training split (inference)',
    'val. accuracy',
    'saturated, init → trained',
    'dead, init → trained',
    'diverged',
  ];
  const rows = result.arms.map(({ id, runs }) => {
    const ratio = (pick: (r: ArmRun) => number | undefined) => {
      const values = runs
        .map(pick)
        .filter((v): v is number => v !== undefined && v > 0 && Number.isFinite(v));
      return values.length ? geometricMean(values) : NaN;
    };
    const average = (pick: (r: ArmRun) => number | null | undefined) => {
      const values = runs
        .map(pick)
        .filter((v): v is number => v !== null && v !== undefined && !Number.isNaN(v));
      return values.length ? mean(values) : NaN;
    };
    const pair = (a: number, b: number) => `${fmt(a)} → ${fmt(b)}`;
    const diverged = runs.filter((r) => r.diverged);
    return [
      id,
      pair(
        ratio((r) => r.init.weightRatio),
        ratio((r) => r.trained?.weightRatio),
      ),
      pair(
        ratio((r) => r.init.signalRatio),
        ratio((r) => r.trained?.signalRatio),
      ),
      fmt(average((r) => r.init.decayPerLayer)),
      result.steps === 0 ? '—' : fmt(average((r) => (Number.isFinite(lossOf(r)) ? lossOf(r) : NaN))),
      result.steps === 0 ? '—' : fmt(average((r) => r.loss)),
      fmt(average((r) => r.accuracy)),
      pair(
        average((r) => r.init.saturated),
        average((r) => r.trained?.saturated),
      ),
      pair(
        average((r) => r.init.dead),
        average((r) => r.trained?.dead),
      ),
      diverged.length
        ? `${diverged.length}/${runs.length}, step ${diverged.map((r) => r.diverged!.step).join('/')}`
        : 'no',
    ];
  });
  return { header, rows };
}

/** The engine's message for each arm that diverged, from its first diverged seed. */
export function divergenceMessages(result: ExperimentResult): string[] {
  return result.arms.flatMap(({ id, runs }) => {
    const run = runs.find((r) => r.diverged);
    return run ? [`${id}, seed ${run.seed}: ${run.diverged!.message}`] : [];
  });
}

/** A Markdown table; pipes inside cells are escaped. */
export function markdownTable({ header, rows }: Table): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A table with columns padded to their widest cell, for a terminal. */
export function alignedTable({ header, rows }: Table): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The checks that did not hold, across the report. */
export function failures(report: SuiteReport): { experiment: string; claim: string; measured: string }[] {
  return report.experiments.flatMap((e) =>
    e.checks
      .filter((c) => !c.holds)
      .map((c) => ({ experiment: e.name, claim: c.claim, measured: c.measured })),
  );
}

/** The whole report as a Markdown document. */
export function toMarkdown(report: SuiteReport): string {
  const out: string[] = [
    `# Reproduced results${report.quick ? ' (quick suite)' : ''}`,
    '',
    `Produced by \`${report.command}\` on the ${report.backend} backend, finished ${report.finishedAt} ` +
      `in ${Math.round(report.seconds)} s. Every arm is trained with the same seeds; ratios are geometric ` +
      'means over seeds, losses, accuracies and fractions arithmetic means. "first/last" is the first dense ' +
      'layer over the output layer for weight gradients (‖∂L/∂W‖) and over the last dense layer for the ' +
      'back-propagated gradient (‖∂L/∂h‖, the gradient with respect to the layer output); "decay/layer" is by ' +
      'how much ‖∂L/∂h‖ shrinks per dense layer towards the input. "trained" is after the last update. A ' +
      'direction holds only if it holds for every seed.',
  ];
  for (const e of report.experiments) {
    out.push(
      '',
      `## ${e.name}: ${e.title}`,
      '',
      `${e.citation}. ${e.steps} steps per arm, seeds ${e.seeds.join(', ')}.`,
    );
    if (e.note) out.push('', e.note);
    out.push('', markdownTable(checkTable(e)), '', markdownTable(armTable(e)));
    const messages = divergenceMessages(e);
    if (messages.length) out.push('', 'The engine’s message:', '', ...messages.map((m) => `> ${m}`));
  }
  const failed = failures(report);
  out.push('', '## Directions that do not hold', '');
  if (failed.length === 0) out.push('None: every check held for every seed.');
  else for (const f of failed) out.push(`- ${f.experiment}: ${f.claim} — ${f.measured}`);
  return out.join('\n') + '\n';
}

/** The report as pretty-printed JSON (non-finite numbers written as strings). */
export function toJson(report: SuiteReport): string {
  return (
    JSON.stringify(
      report,
      (_key, value: unknown) =>
        typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
      2,
    ) + '\n'
  );
}
