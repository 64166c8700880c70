/**
 * The engine's data entry point: a design's `data` section in, typed arrays
 * out. Main, server and CLI call {@link loadData}; nothing else in this
 * folder is needed from outside except the seeded random module.
 */
import { BUILTIN_DATASET_INFO, csvPathProblem, validateDataSpec } from '../../../src-shared/design/datasets';
import type { BuiltinDataSpec, DataSpec } from '../../../src-shared/design/types';
import { readCsvBytes, readCsvData } from './csvFile';
import { GENERATORS } from './generators';
import { loadIris, loadMnist } from './packaged';
import { prepare } from './prepare';
import { createRandom, deriveSeed } from './random';
import type { DataError, DataResult, RawData } from './types';

export type { DataError, DataErrorType, DataResult, LoadedData, Split } from './types';
export { createRandom, deriveSeed, permutation, shuffleInPlace } from './random';
export type { Random } from './random';

/** How to load: where the design lives, the run's seed and the held-out fraction. */
export interface LoadDataOptions {
  /** The design file's folder; CSV paths are resolved against it. CSV data needs it or `csvBytes`. */
  designDir?: string;
  /** The bytes of the CSV file `data.path` names, picked by the user; read instead of the path. */
  csvBytes?: Uint8Array;
  /** The run's seed (`training.seed`): same seed, byte-identical arrays. */
  seed: number;
  /** Fraction of rows held out for validation, from 0 (none) to below 1. */
  validationSplit: number;
}

/**
 * Loads, splits and normalizes the data a design asks for. Never throws:
 * every failure, including unexpected ones, comes back as a {@link DataError}.
 * `spec` is re-validated because it may come from another process.
 *
 * Seeding: the rows are drawn from the stream `deriveSeed(seed, 'data',
 * name)` and the split from `deriveSeed(seed, 'data.split')`, so the split
 * of a data set does not change when the generator draws more numbers, and
 * neither touches the weight-initialization streams.
 *
 * Error types: a file that cannot be read for another reason than absence
 * (permissions, a folder) is reported as `missingFile`; an internal failure
 * that fits no type is reported as `invalidSpec` with its message.
 */
export async function loadData(spec: DataSpec, options: LoadDataOptions): Promise<DataResult> {
  try {
    const result = await load(spec, options);
    return 'train' in result ? { ok: true, value: result } : { ok: false, error: result };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (spec?.source === 'csv' && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      const file = spec.path;
      return { ok: false, error: { type: 'missingFile', file, message: `cannot read ${file}: ${reason}` } };
    }
    return { ok: false, error: { type: 'invalidSpec', message: `could not load the data: ${reason}` } };
  }
}

async function load(spec: DataSpec, options: LoadDataOptions) {
  const { seed, validationSplit } = options ?? {};
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    return invalid(`training.seed must be a number, got ${String(seed)}`);
  }
  if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) {
    return invalid(`training.validationSplit must be from 0 to below 1, got ${String(validationSplit)}`);
  }
  // Path escapes are reported as such (not as a generic invalid spec) so the
  // UI can say plainly that the design tried to read outside its folder.
  const candidate = spec as Partial<{ source: unknown; path: unknown }> | null;
  if (candidate?.source === 'csv' && typeof candidate.path === 'string') {
    const problem = csvPathProblem(candidate.path);
    if (problem?.escapes) {
      const file = candidate.path;
      return { type: 'outsideFolder', file, message: `data.path ${problem.message}` } satisfies DataError;
    }
  }
  const checked = validateDataSpec(spec);
  if (!checked.ok) return invalid(checked.issues.map((issue) => issue.message).join('; '));
  const valid = checked.value;
  const normalize = valid.normalize ?? 'standardize';

  let raw: RawData | DataError;
  if (valid.source === 'csv') {
    if (options.csvBytes) raw = readCsvBytes(valid, options.csvBytes);
    else if (options.designDir) raw = await readCsvData(valid, options.designDir);
    else {
      const message = `${valid.path} is a CSV file: choose it under Data (or save the design beside it)`;
      return { type: 'missingFile', file: valid.path, message } satisfies DataError;
    }
  } else {
    raw = await builtin(valid, seed);
  }
  if ('type' in raw) return raw;
  return prepare(raw, validationSplit, normalize, createRandom(deriveSeed(seed, 'data.split')));
}

/** Generates or reads a built-in set, with the catalogue's defaults for absent options. */
async function builtin(spec: BuiltinDataSpec, seed: number): Promise<RawData> {
  const info = BUILTIN_DATASET_INFO[spec.name];
  const samples = spec.samples ?? info.defaults.samples;
  const random = createRandom(deriveSeed(seed, 'data', spec.name));
  switch (spec.name) {
    case 'iris':
      return loadIris(samples, random);
    case 'mnist':
      return loadMnist(samples, random);
    default: {
      const classes = spec.classes ?? info.defaults.classes ?? 1;
      const noise = spec.noise ?? info.defaults.noise ?? 0;
      return GENERATORS[spec.name]({ samples, classes, noise }, random);
    }
  }
}

function invalid(message: string): DataError {
  return { type: 'invalidSpec', message };
}
