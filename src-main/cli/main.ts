/**
 * `npx backflow <command>`: the command line over the same engine the app
 * uses. Parsing is strict: an unknown flag or a malformed number is a usage
 * error (exit 2) with the help line for that command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, UsageError, type CliIO } from './io';
import { benchCommand } from './commands/bench';
import { exportCommand } from './commands/export';
import { reproduceCommand } from './commands/reproduce';
import { importCommand } from './commands/import';
import { serveCommand } from './commands/serve';
import { trainCommand } from './commands/train';
import { validateCommand } from './commands/validate';

interface Command {
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals: number;
  /** More positionals allowed (NAME…); absent means exactly `positionals`. */
  maxPositionals?: number;
  run(
    positionals: string[],
    values: Record<string, string | boolean | undefined>,
    io: CliIO,
  ): Promise<number>;
}

const BACKEND = { type: 'string' } as const;

const COMMANDS: Record<string, Command> = {
  validate: {
    usage: 'validate <design>',
    summary: 'exit 0 if the design can be trained; else say what is wrong and where (exit 1)',
    options: {},
    positionals: 1,
    run: (p, _v, io) => validateCommand(p[0], io),
  },
  train: {
    usage:
      'train <design> [--steps N | --epochs N] [--seed S] [--backend auto|tensorflow|wasm|cpu] [--telemetry FILE.jsonl] [--every K] [--out DIR]',
    summary: 'train headless, with progress, telemetry and the trained model',
    options: {
      steps: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      backend: BACKEND,
      telemetry: { type: 'string' },
      every: { type: 'string' },
      out: { type: 'string' },
    },
    positionals: 1,
    run: (p, v, io) => trainCommand(p[0], v, io),
  },
  export: {
    usage: 'export <design> --format tfjs|keras|pytorch|onnx --out DIR [--seed S]',
    summary: 'write the untrained model with the initial weights `train --seed S` starts from',
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      backend: BACKEND,
    },
    positionals: 1,
    run: (p, v, io) => exportCommand(p[0], v, io),
  },
  import: {
    usage: 'import <model.json> --out design.backflow.json',
    summary: 'a TensorFlow.js LayersModel or Keras JSON model as a design (weights written beside it)',
    options: { out: { type: 'string' } },
    positionals: 1,
    run: (p, v, io) => importCommand(p[0], v, io),
  },
  serve: {
    usage: 'serve [--port P] [--host H]',
    summary:
      'the app and its engine for a browser (127.0.0.1:5180 by default; any other host requires the printed token)',
    options: { port: { type: 'string' }, host: { type: 'string' } },
    positionals: 0,
    run: (_p, v, io) => serveCommand(v, io),
  },
  bench: {
    usage: 'bench [--json] [--backend B] [--steps N] [--windows N] [--workloads W1,W2,…,preview] [--pytorch]',
    summary:
      'the benchmark suite: steps per second with and without telemetry, tensor counts, preview latency',
    options: {
      json: { type: 'boolean' },
      backend: BACKEND,
      steps: { type: 'string' },
      windows: { type: 'string' },
      workloads: { type: 'string' },
      pytorch: { type: 'boolean' },
    },
    positionals: 0,
    run: (_p, v, io) => benchCommand(v, io),
  },
  reproduce: {
    usage: 'reproduce [NAME…] [--quick] [--out DIR] [--backend B]',
    summary:
      'train the literature experiments (all, or the named ones) and compare with the papers; writes results.json and results.md',
    options: { quick: { type: 'boolean' }, out: { type: 'string' }, backend: BACKEND },
    positionals: 0,
    maxPositionals: Infinity,
    run: (p, v, io) => reproduceCommand(p, v, io),
  },
};

function help(): string {
  const lines = Object.values(COMMANDS).map((c) => `  backflow ${c.usage}\n      ${c.summary}`);
  return `Backflow: build deep networks and watch their gradients.\n\nUsage:\n${lines.join('\n')}\n`;
}

/**
 * `--steps -1` as `--steps=-1`: parseArgs takes a value that starts with a dash
 * for a forgotten value ("argument is ambiguous"), where the user meant a
 * (wrong) number; joined, it reaches the option's own check, which says what
 * is wrong with it.
 */
function joinNegativeValues(args: string[], options: Command['options']): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else joined.push(args[i]);
  }
  return joined;
}

/** Runs one command line; resolves to the process exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command || !Object.hasOwn(COMMANDS, name)) {
    io.err(`backflow: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(rest, command.options),
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`backflow ${name}: ${(error as Error).message}\nusage: backflow ${command.usage}\n`);
    return EXIT.usage;
  }
  const count = parsed.positionals.length;
  if (count < command.positionals || count > (command.maxPositionals ?? command.positionals)) {
    const what = command.positionals ? `expects ${command.positionals} argument` : 'takes no arguments';
    io.err(`backflow ${name}: ${what}, got ${parsed.positionals.length}\nusage: backflow ${command.usage}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(
      parsed.positionals,
      parsed.values as Record<string, string | boolean | undefined>,
      io,
    );
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`backflow ${name}: ${error.message}\nusage: backflow ${command.usage}\n`);
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
