/**
 * Every `backflow` command: its usage line, options with their defaults, and
 * examples, for parsing and for help. This module stays light on purpose: it
 * names each command's implementation by a dynamic import, so `--help`,
 * `--version` and a usage error never load TensorFlow.js or the engine.
 */
import type { ParseArgsConfig } from 'node:util';
import type { CliIO } from './io';

/** What a command's implementation is given once its arguments parsed. */
export type CommandRun = (
  positionals: string[],
  values: Record<string, string | boolean | undefined>,
  io: CliIO,
) => Promise<number>;

/** One option as help shows it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in help (`N`, `DIR`); absent for a boolean switch. */
  value?: string;
  description: string;
  /** What applies when the option is absent, in words (`40`, `the design's seed`). */
  default: string;
}

export interface CommandSpec {
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  positionals: number;
  /** More positionals allowed (NAME…); absent means exactly `positionals`. */
  maxPositionals?: number;
  /** Whole command lines, together using every option at least once. */
  examples: string[];
  /** Loads the implementation (and whatever heavy modules it needs) only when the command runs. */
  load(): Promise<CommandRun>;
}

/** `serve`'s address when none is given: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 5180;
/** `bench`'s defaults: each window times 40 steps plain and 40 with telemetry. */
export const BENCH_DEFAULT_STEPS = 40;
export const BENCH_DEFAULT_WINDOWS = 9;
export const REPRODUCE_DEFAULT_OUT = 'reproduce-results';

const EXAMPLE = 'resources/examples/deep-sigmoid.backflow.json';

const backend: OptionSpec = {
  type: 'string',
  value: 'auto|tensorflow|webgpu|wasm|cpu',
  description:
    'compute backend; auto tries native TensorFlow (GPU, then CPU), then WebAssembly, then JavaScript; webgpu is the GPU through WebGPU (Metal, Direct3D 12, Vulkan)',
  default: 'auto',
};

const json: OptionSpec = {
  type: 'boolean',
  description: 'print the result as one JSON object on stdout (docs/cli.md); messages stay on stderr',
  default: 'off (text)',
};

export const COMMANDS: Record<string, CommandSpec> = {
  validate: {
    usage: 'validate <design> [--json]',
    summary: 'exit 0 if the design can be trained; else say what is wrong and where (exit 1)',
    options: { json },
    positionals: 1,
    examples: [`backflow validate ${EXAMPLE}`, `backflow validate ${EXAMPLE} --json`],
    load: async () => {
      const { validateCommand } = await import('./commands/validate');
      return (p, v, io) => validateCommand(p[0], v, io);
    },
  },
  train: {
    usage:
      'train <design> [--steps N | --epochs N] [--seed S] [--backend auto|tensorflow|webgpu|wasm|cpu] [--telemetry FILE.jsonl] [--every K] [--out DIR] [--json]',
    summary: 'train headless, with progress, telemetry and the trained model',
    options: {
      steps: {
        type: 'string',
        value: 'N',
        description: 'stop after N training steps (batches)',
        default: "the design's epochs",
      },
      epochs: {
        type: 'string',
        value: 'N',
        description: 'train for N passes over the training data',
        default: "the design's training.epochs",
      },
      seed: {
        type: 'string',
        value: 'S',
        description: 'seed for the initial weights, the data split and shuffling (0 to 4294967295)',
        default: "the design's training.seed",
      },
      backend,
      telemetry: {
        type: 'string',
        value: 'FILE.jsonl',
        description: 'write per-layer gradient statistics, one JSON record a line (docs/telemetry.md)',
        default: 'none written',
      },
      every: {
        type: 'string',
        value: 'K',
        description: 'write a telemetry step record every K steps',
        default: '1',
      },
      out: {
        type: 'string',
        value: 'DIR',
        description: 'save the trained model there as a TensorFlow.js LayersModel',
        default: 'not saved',
      },
      json,
    },
    positionals: 1,
    examples: [
      `backflow train ${EXAMPLE} --steps 200 --seed 7 --backend wasm`,
      `backflow train ${EXAMPLE} --epochs 2 --telemetry run.jsonl --every 10 --out trained --json`,
    ],
    load: async () => {
      const { trainCommand } = await import('./commands/train');
      return (p, v, io) => trainCommand(p[0], v, io);
    },
  },
  export: {
    usage: 'export <design> --format tfjs|keras|pytorch|onnx --out DIR [--seed S] [--json]',
    summary: 'write the untrained model with the initial weights `train --seed S` starts from',
    options: {
      format: {
        type: 'string',
        value: 'tfjs|keras|pytorch|onnx',
        description: 'the model format to write',
        default: 'required',
      },
      out: {
        type: 'string',
        value: 'DIR',
        description: 'the folder to write into (created; must be empty if it exists)',
        default: 'required',
      },
      seed: {
        type: 'string',
        value: 'S',
        description: 'seed for the initial weights, as `train --seed S` uses it',
        default: "the design's training.seed",
      },
      backend: { ...backend, description: 'compute backend that draws the initial weights' },
      json,
    },
    positionals: 1,
    examples: [
      `backflow export ${EXAMPLE} --format onnx --out model-onnx`,
      `backflow export ${EXAMPLE} --format pytorch --out model-pt --seed 7 --backend cpu --json`,
    ],
    load: async () => {
      const { exportCommand } = await import('./commands/export');
      return (p, v, io) => exportCommand(p[0], v, io);
    },
  },
  import: {
    usage: 'import <model.json|model.keras|model.h5|model.onnx|export.zip> --out design.backflow.json',
    summary:
      'a TensorFlow.js LayersModel, Keras JSON, Keras 3 .keras, Keras 2 .h5 or ONNX model, or the .zip browser mode exports, as a design (weights written beside it)',
    options: {
      out: {
        type: 'string',
        value: 'design.backflow.json',
        description: 'the design file to write; the weights go beside it',
        default: 'required',
      },
    },
    positionals: 1,
    examples: [
      'backflow import model-tfjs/model.json --out imported.backflow.json',
      'backflow import model-keras/model.keras --out imported.backflow.json',
    ],
    load: async () => {
      const { importCommand } = await import('./commands/import');
      return (p, v, io) => importCommand(p[0], v, io);
    },
  },
  serve: {
    usage: 'serve [--port P] [--host H]',
    summary: `the app and its engine for a browser (${DEFAULT_HOST}:${DEFAULT_PORT} by default; any other host requires the printed token)`,
    options: {
      port: {
        type: 'string',
        value: 'P',
        description: 'the port to listen on; 0 picks a free one',
        default: String(DEFAULT_PORT),
      },
      host: {
        type: 'string',
        value: 'H',
        description: 'the address to listen on; other than loopback, every request needs the printed token',
        default: DEFAULT_HOST,
      },
    },
    positionals: 0,
    examples: ['backflow serve', 'backflow serve --port 8080 --host 0.0.0.0'],
    load: async () => {
      const { serveCommand } = await import('./commands/serve');
      return (_p, v, io) => serveCommand(v, io);
    },
  },
  bench: {
    usage: 'bench [--json] [--backend B] [--steps N] [--windows N] [--workloads W1,W2,…,preview] [--pytorch]',
    summary:
      'the benchmark suite: command start times, steps per second with and without telemetry, tensor counts, preview latency',
    options: {
      json,
      backend,
      steps: {
        type: 'string',
        value: 'N',
        description: 'steps per timed window and mode',
        default: String(BENCH_DEFAULT_STEPS),
      },
      windows: {
        type: 'string',
        value: 'N',
        description:
          'back-to-back pairs (plain, with telemetry) whose median ratio is reported; startup: runs per command',
        default: String(BENCH_DEFAULT_WINDOWS),
      },
      workloads: {
        type: 'string',
        value: 'W1,W2,…',
        description:
          'which to run: W1 to W4, startup (the start time of --version, --help, validate), preview (the latency of the initialisation preview)',
        default: 'startup,W1,W2,W3,W4,preview',
      },
      pytorch: {
        type: 'boolean',
        description: "run each workload in PyTorch too (Debian's python3-torch) and print the ratios",
        default: 'off',
      },
    },
    positionals: 0,
    examples: [
      'backflow bench',
      'backflow bench --workloads startup,W1 --steps 20 --windows 3 --backend wasm --json',
      'backflow bench --workloads W2 --pytorch',
    ],
    load: async () => {
      const { benchCommand } = await import('./commands/bench');
      return (_p, v, io) => benchCommand(v, io);
    },
  },
  reproduce: {
    usage: 'reproduce [NAME…] [--quick] [--out DIR] [--backend B]',
    summary:
      'train the literature experiments (all, or the named ones) and compare with the papers; writes results.json and results.md',
    options: {
      quick: {
        type: 'boolean',
        description: 'a tenth of the steps: a quick look, not the reproduction',
        default: 'off',
      },
      out: {
        type: 'string',
        value: 'DIR',
        description: 'where results.json and results.md go',
        default: REPRODUCE_DEFAULT_OUT,
      },
      backend,
    },
    positionals: 0,
    maxPositionals: Infinity,
    examples: ['backflow reproduce', 'backflow reproduce glorot-tanh --quick --out results --backend wasm'],
    load: async () => {
      const { reproduceCommand } = await import('./commands/reproduce');
      return (p, v, io) => reproduceCommand(p, v, io);
    },
  },
};

/** The options in the shape node:util's parseArgs takes. */
export function parseArgsOptions(spec: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type }]));
}
