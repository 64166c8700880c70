/** The text of `backflow --help`, `backflow help <command>` and `<command> --help`. */
import type { CommandSpec } from './command-table';

/** The overview: every command's usage line and summary. */
export function overviewHelp(commands: Record<string, CommandSpec>): string {
  const lines = Object.values(commands).map((c) => `  backflow ${c.usage}\n      ${c.summary}`);
  return (
    `Backflow: build deep networks and watch their gradients.\n\n` +
    `Usage:\n${lines.join('\n')}\n\n` +
    `backflow help <command> (or <command> --help) lists its options, defaults and examples.\n` +
    `backflow --version prints the version.\n`
  );
}

/** One command's help: usage, summary, each option with its default, examples. */
export function commandHelp(name: string, spec: CommandSpec): string {
  const entries = Object.entries(spec.options).map(([option, o]) => ({
    flag: `--${option}${o.value ? ` ${o.value}` : ''}`,
    o,
  }));
  const width = Math.max(0, ...entries.map((e) => e.flag.length));
  const options = entries.map(
    ({ flag, o }) =>
      `  ${flag.padEnd(width)}  ${o.description}\n  ${' '.repeat(width)}  default: ${o.default}`,
  );
  return (
    `usage: backflow ${spec.usage}\n\n${spec.summary}\n` +
    (options.length ? `\nOptions:\n${options.join('\n')}\n` : '') +
    `\nExample${spec.examples.length > 1 ? 's' : ''}:\n${spec.examples.map((e) => `  ${e}`).join('\n')}\n` +
    `\nExit codes: 0 done, 1 the design, data or a file failed, 2 a wrong command line` +
    (name === 'train' ? ', 3 the run diverged, 130 / 143 stopped by SIGINT / SIGTERM' : '') +
    '.\n'
  );
}
