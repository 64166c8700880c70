/**
 * `npx backflow <command>`: the command line over the same engine the app
 * uses. Parsing is strict: an unknown flag or a malformed number is a usage
 * error (exit 2) with the help line for that command.
 */
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { COMMANDS, parseArgsOptions, type CommandSpec } from './command-table';
import { commandHelp, overviewHelp } from './help';
import { EXIT, UsageError, type CliIO } from './io';

/**
 * `--steps -1` as `--steps=-1`: parseArgs takes a value that starts with a dash
 * for a forgotten value ("argument is ambiguous"), where the user meant a
 * (wrong) number; joined, it reaches the option's own check, which says what
 * is wrong with it.
 */
function joinNegativeValues(args: string[], spec: CommandSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (
      name &&
      Object.hasOwn(spec.options, name) &&
      spec.options[name].type === 'string' &&
      next !== undefined &&
      /^-\.?\d/.test(next)
    ) {
      joined.push(`--${name}=${next}`);
      i++;
    } else joined.push(args[i]);
  }
  return joined;
}

/** The command named `name`, if there is one (never an inherited property such as `toString`). */
function commandNamed(name: string): CommandSpec | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Runs one command line; resolves to the process exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.out(`backflow ${version}\n`);
    return EXIT.ok;
  }
  if (name === 'help' && rest.length > 0) {
    const spec = commandNamed(rest[0]);
    if (spec && rest.length === 1) {
      io.out(commandHelp(rest[0], spec));
      return EXIT.ok;
    }
    io.err(
      spec
        ? `backflow help: expects one command name, got ${rest.length}\n`
        : `backflow help: unknown command "${rest[0]}"\n\n${overviewHelp(COMMANDS)}`,
    );
    return EXIT.usage;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(overviewHelp(COMMANDS));
    return name ? EXIT.ok : EXIT.usage;
  }
  const spec = commandNamed(name);
  if (!spec) {
    io.err(`backflow: unknown command "${name}"\n\n${overviewHelp(COMMANDS)}`);
    return EXIT.usage;
  }
  // Help wins over everything else on the line, as in git and npm: `train x --steps bad --help` helps.
  if (rest.some((arg) => arg === '--help' || arg === '-h')) {
    io.out(commandHelp(name, spec));
    return EXIT.ok;
  }
  const usage = `usage: backflow ${spec.usage}\n(backflow help ${name} lists the options, their defaults and examples)\n`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(rest, spec),
      options: parseArgsOptions(spec),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`backflow ${name}: ${(error as Error).message}\n${usage}`);
    return EXIT.usage;
  }
  const count = parsed.positionals.length;
  if (count < spec.positionals || count > (spec.maxPositionals ?? spec.positionals)) {
    const what = spec.positionals ? `expects ${spec.positionals} argument` : 'takes no arguments';
    io.err(`backflow ${name}: ${what}, got ${parsed.positionals.length}\n${usage}`);
    return EXIT.usage;
  }
  try {
    const run = await spec.load();
    return await run(parsed.positionals, parsed.values as Record<string, string | boolean | undefined>, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`backflow ${name}: ${error.message}\n${usage}`);
      return EXIT.usage;
    }
    // A defect, not a user error: say so plainly; the stack only when asked for (a bug report).
    const detail = process.env.BACKFLOW_DEBUG ? ((error as Error)?.stack ?? String(error)) : undefined;
    const message = (error as Error)?.message ?? String(error);
    io.err(
      `backflow ${name}: internal error: ${detail ?? message}\n` +
        (detail ? '' : 'Please report it; BACKFLOW_DEBUG=1 shows where it happened.\n'),
    );
    return EXIT.failed;
  }
}
