/**
 * The built-in data sets' catalogue and the checks on a design's `data`
 * section. Pure TypeScript: the editor (inspector, live validation), the
 * design parser and the engine's loader all read the same table, so a value
 * is accepted everywhere or nowhere.
 */
import type { ShapeContext } from '../layers/types';
import { BUILTIN_DATASETS } from './types';
import type { BuiltinDatasetName, DataSpec, Design, Normalization } from './types';

/** Whether a data set's targets are classes (one-hot) or real numbers. */
export type DataTask = 'classification' | 'regression';

/** An inclusive `[min, max]` range. */
export type Range = [min: number, max: number];

/** What the UI and the engine need to know about one built-in data set. */
export interface BuiltinDatasetInfo {
  /** Short name for menus. */
  label: string;
  /** One sentence for the inspector. */
  description: string;
  task: DataTask;
  /** Shape of one example, without the batch dimension. */
  inputShape: number[];
  /** Values used when the spec leaves an option out. */
  defaults: { samples: number; classes?: number; noise?: number };
  /**
   * Allowed values, inclusive. An option without limits does not apply to
   * this data set and is refused (Iris has no `noise`, sine no `classes`).
   */
  limits: { samples: Range; classes?: Range; noise?: Range };
}

/** Generated sets are computed in memory: cap them so a typo cannot take gigabytes. */
const GENERATED_SAMPLES: Range = [10, 100_000];
const POINT_NOISE: Range = [0, 2];

/** The catalogue of built-in data sets, keyed by the name a design file uses. */
export const BUILTIN_DATASET_INFO: Record<BuiltinDatasetName, BuiltinDatasetInfo> = {
  spiral: {
    label: 'Spiral',
    description: 'Interleaved 2-D spiral arms, one per class (the CS231n / TensorFlow Playground spiral).',
    task: 'classification',
    inputShape: [2],
    defaults: { samples: 600, classes: 3, noise: 0.1 },
    limits: { samples: GENERATED_SAMPLES, classes: [2, 10], noise: POINT_NOISE },
  },
  moons: {
    label: 'Moons',
    description: 'Two interleaving half circles in 2-D.',
    task: 'classification',
    inputShape: [2],
    defaults: { samples: 500, classes: 2, noise: 0.1 },
    limits: { samples: GENERATED_SAMPLES, classes: [2, 2], noise: POINT_NOISE },
  },
  circles: {
    label: 'Circles',
    description: 'A small circle inside a large one, in 2-D.',
    task: 'classification',
    inputShape: [2],
    defaults: { samples: 500, classes: 2, noise: 0.05 },
    limits: { samples: GENERATED_SAMPLES, classes: [2, 2], noise: POINT_NOISE },
  },
  xor: {
    label: 'XOR',
    description: 'Points in the four quadrants; the class is whether x and y have the same sign.',
    task: 'classification',
    inputShape: [2],
    defaults: { samples: 500, classes: 2, noise: 0.05 },
    limits: { samples: GENERATED_SAMPLES, classes: [2, 2], noise: POINT_NOISE },
  },
  gaussians: {
    label: 'Gaussian blobs',
    description: 'One 2-D Gaussian blob per class, centres evenly spaced on a circle of radius 2.',
    task: 'classification',
    inputShape: [2],
    defaults: { samples: 600, classes: 3, noise: 0.5 },
    limits: { samples: GENERATED_SAMPLES, classes: [2, 10], noise: [0, 3] },
  },
  sine: {
    label: 'Sine (regression)',
    description: 'x uniform in [-π, π], target sin(x) plus Gaussian noise.',
    task: 'regression',
    inputShape: [1],
    defaults: { samples: 500, noise: 0.1 },
    limits: { samples: GENERATED_SAMPLES, noise: POINT_NOISE },
  },
  iris: {
    label: 'Iris',
    description: "Fisher's Iris flowers: 4 measurements, 3 species, 150 examples.",
    task: 'classification',
    inputShape: [4],
    defaults: { samples: 150, classes: 3 },
    limits: { samples: [10, 150], classes: [3, 3] },
  },
  mnist: {
    label: 'MNIST digits',
    description: 'Handwritten digits, 28×28 grey pixels; a subset of the 10,000 shipped with the app.',
    task: 'classification',
    inputShape: [28, 28, 1],
    defaults: { samples: 2000, classes: 10 },
    limits: { samples: [10, 10_000], classes: [10, 10] },
  },
};

/** What is known about a data set's shape before it is loaded. */
export interface DataDescription {
  inputShape?: number[];
  outputUnits?: number;
  task?: DataTask;
}

/**
 * Input shape, output units and task of a data spec, for shape inference in
 * the editor. A CSV file's columns are unknown until it is loaded, so every
 * field is undefined for `source: 'csv'`.
 */
export function describeData(spec: DataSpec): DataDescription {
  if (spec.source !== 'builtin') return {};
  const info = BUILTIN_DATASET_INFO[spec.name];
  if (!info) return {};
  const outputUnits = info.task === 'regression' ? 1 : (spec.classes ?? info.defaults.classes);
  return { inputShape: [...info.inputShape], outputUnits, task: info.task };
}

/**
 * What shape inference needs from outside the graph, as far as the design's
 * data section tells it without loading the data; `known` is what a caller
 * read from a CSV file it holds (a file's columns are unknown until read).
 */
export function shapeContext(design: Design, known?: DataDescription | null): ShapeContext {
  const described = known ?? describeData(design.data);
  return { outputUnits: described.outputUnits, dataInputShape: described.inputShape };
}

/** One problem in the `data` section; `path` names the field, e.g. `data.samples`. */
export interface DataSpecIssue {
  path: string;
  message: string;
}

/** The result of {@link validateDataSpec}. */
export type DataSpecResult = { ok: true; value: DataSpec } | { ok: false; issues: DataSpecIssue[] };

const NORMALIZATIONS: readonly Normalization[] = ['standardize', 'none'];
const BUILTIN_KEYS = ['source', 'name', 'samples', 'classes', 'noise', 'normalize'];
const CSV_KEYS = ['source', 'path', 'target', 'normalize'];

/**
 * Checks an untrusted `data` section (from a file, IPC or the inspector).
 * Refuses unknown keys, wrong types, out-of-range numbers and CSV paths that
 * could read outside the design's folder. The value returned is a copy with
 * only the known keys; defaults are not filled in, so a saved file keeps what
 * the user wrote (the loader applies {@link BUILTIN_DATASET_INFO} defaults).
 */
export function validateDataSpec(raw: unknown): DataSpecResult {
  if (!isRecord(raw)) return fail('data', 'data must be an object');
  const source = raw.source;
  if (source === 'builtin') return validateBuiltin(raw);
  if (source === 'csv') return validateCsv(raw);
  return fail('data.source', `data.source must be "builtin" or "csv", got ${show(source)}`);
}

function validateBuiltin(raw: Record<string, unknown>): DataSpecResult {
  const issues = unknownKeys(raw, BUILTIN_KEYS);
  const name = raw.name;
  if (typeof name !== 'string' || !(BUILTIN_DATASETS as readonly string[]).includes(name)) {
    issues.push({
      path: 'data.name',
      message: `data.name must be one of ${BUILTIN_DATASETS.join(', ')}, got ${show(name)}`,
    });
    return { ok: false, issues };
  }
  const datasetName = name as BuiltinDatasetName;
  const info = BUILTIN_DATASET_INFO[datasetName];
  const value: DataSpec = { source: 'builtin', name: datasetName };
  const samples = checkNumber(raw, 'samples', info.limits.samples, true, datasetName, issues);
  if (samples !== undefined) value.samples = samples;
  const classes = checkNumber(raw, 'classes', info.limits.classes, true, datasetName, issues);
  if (classes !== undefined) value.classes = classes;
  const noise = checkNumber(raw, 'noise', info.limits.noise, false, datasetName, issues);
  if (noise !== undefined) value.noise = noise;
  const normalize = checkNormalize(raw, issues);
  if (normalize !== undefined) value.normalize = normalize;
  return issues.length ? { ok: false, issues } : { ok: true, value };
}

function validateCsv(raw: Record<string, unknown>): DataSpecResult {
  const issues = unknownKeys(raw, CSV_KEYS);
  const pathProblem = csvPathProblem(raw.path);
  if (pathProblem) issues.push({ path: 'data.path', message: `data.path ${pathProblem.message}` });
  const target = raw.target;
  if (typeof target !== 'string' || target.trim() === '') {
    issues.push({
      path: 'data.target',
      message: `data.target must be the name of the label column, got ${show(target)}`,
    });
  }
  const normalize = checkNormalize(raw, issues);
  if (issues.length) return { ok: false, issues };
  const value: DataSpec = { source: 'csv', path: raw.path as string, target: target as string };
  if (normalize !== undefined) value.normalize = normalize;
  return { ok: true, value };
}

/** Why a CSV path is refused; `escapes` when it would read outside the design's folder. */
export interface CsvPathProblem {
  escapes: boolean;
  /** Completes "data.path …", e.g. "must not be empty". */
  message: string;
}

/**
 * Why a CSV path is unacceptable, or undefined when it is fine. The path is
 * relative to the design's folder and must stay inside it: a shared design
 * must not be able to read `~/.ssh/id_rsa` or `../../secrets.csv`. Both `/`
 * and `\` count as separators so the check holds for files written on Windows.
 * The loader repeats the check on the resolved real path (symbolic links).
 */
export function csvPathProblem(path: unknown): CsvPathProblem | undefined {
  const bad = (message: string, escapes = false): CsvPathProblem => ({ escapes, message });
  if (typeof path !== 'string') return bad(`must be a file name relative to the design, got ${show(path)}`);
  if (path.trim() === '') return bad('must not be empty');
  if (path.includes('\0')) return bad('must not contain a NUL character');
  if (/^[/\\]/.test(path) || /^[A-Za-z]:/.test(path)) {
    return bad(`must be relative to the design's folder, got the absolute path ${show(path)}`, true);
  }
  let depth = 0;
  for (const segment of path.split(/[/\\]+/)) {
    if (segment === '..') depth -= 1;
    else if (segment !== '.' && segment !== '') depth += 1;
    if (depth < 0) return bad(`must stay inside the design's folder, got ${show(path)}`, true);
  }
  if (depth === 0) return bad(`must name a file, got ${show(path)}`);
  return undefined;
}

function checkNumber(
  raw: Record<string, unknown>,
  key: 'samples' | 'classes' | 'noise',
  limits: Range | undefined,
  integer: boolean,
  name: BuiltinDatasetName,
  issues: DataSpecIssue[],
): number | undefined {
  if (!Object.hasOwn(raw, key) || raw[key] === undefined) return undefined;
  const value = raw[key];
  const path = `data.${key}`;
  if (!limits) {
    issues.push({ path, message: `${path} does not apply to the ${name} data set` });
  } else if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.push({ path, message: `${path} must be a number, got ${show(value)}` });
  } else if (integer && !Number.isInteger(value)) {
    issues.push({ path, message: `${path} must be a whole number, got ${value}` });
  } else if (value < limits[0] || value > limits[1]) {
    const range = limits[0] === limits[1] ? `${limits[0]}` : `from ${limits[0]} to ${limits[1]}`;
    issues.push({ path, message: `${path} must be ${range}, got ${value}` });
  } else {
    return value;
  }
  return undefined;
}

function checkNormalize(raw: Record<string, unknown>, issues: DataSpecIssue[]): Normalization | undefined {
  if (!Object.hasOwn(raw, 'normalize') || raw.normalize === undefined) return undefined;
  const value = raw.normalize;
  if (typeof value === 'string' && (NORMALIZATIONS as readonly string[]).includes(value)) {
    return value as Normalization;
  }
  issues.push({
    path: 'data.normalize',
    message: `data.normalize must be "standardize" or "none", got ${show(value)}`,
  });
  return undefined;
}

function unknownKeys(raw: Record<string, unknown>, known: string[]): DataSpecIssue[] {
  return Object.keys(raw)
    .filter((key) => !known.includes(key))
    .map((key) => ({
      path: `data.${key}`,
      message: `data.${key} is not a known field here; expected ${known.join(', ')}`,
    }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, message: string): DataSpecResult {
  return { ok: false, issues: [{ path, message }] };
}

/** A value quoted for a message, short enough to read. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
