/**
 * From a design file on disk to everything a run needs — the parsed design,
 * its data, and a graph analysis that says it is trainable — or one error
 * that names what is wrong and where. Shared by the CLI, the engine worker
 * and the server, so "is this trainable?" has one answer.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { MAX_DESIGN_SIZE, parseDesign, type Design } from '../../src-shared/design';
import { analyzeGraph, type GraphAnalysis } from '../../src-shared/graph';
import {
  estimateTrainingMemory,
  memoryProblem,
  type MemoryEstimate,
} from '../../src-shared/graph/memory-estimate';
import type { BackendName } from './backend/backend';
import { loadData, type LoadedData } from './data';
import { memoryBudget } from './memory-budget';

/** Where preparing a run failed; `type` says which stage. */
export interface RunError {
  type: 'file' | 'design' | 'graph' | 'data';
  /** Complete, plain-language message, possibly several lines (one per problem). */
  message: string;
}

export interface PreparedRun {
  design: Design;
  data: LoadedData;
  analysis: GraphAnalysis;
  designDir: string | null;
}

export type PrepareResult = { ok: true; value: PreparedRun } | { ok: false; error: RunError };

/** Reads, parses and checks a design file, then loads its data with `seed`. */
export async function prepareRunFromFile(
  path: string,
  overrides: { seed?: number } = {},
): Promise<PrepareResult> {
  const text = await readDesignText(path);
  if (!text.ok) return text;
  return prepareRun(text.value, {
    designDir: dirname(resolve(path)),
    fileName: basename(path),
    ...overrides,
  });
}

/** The text of a design file, or a message saying why it cannot be read. */
export async function readDesignText(
  path: string,
): Promise<{ ok: true; value: string } | { ok: false; error: RunError }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, error: { type: 'file', message: `${path} is not a file` } };
    if (info.size > MAX_DESIGN_SIZE) {
      return {
        ok: false,
        error: {
          type: 'file',
          message: `${path} is ${info.size} bytes; a design file is at most ${MAX_DESIGN_SIZE}`,
        },
      };
    }
    return { ok: true, value: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    return { ok: false, error: { type: 'file', message: `cannot read ${path}: ${why}` } };
  }
}

/**
 * Prepares a run from design text: parse → data → graph analysis with the
 * data's shapes. `designDir` anchors CSV paths (and bounds them).
 */
export async function prepareRun(
  text: string,
  options: { designDir: string | null; csvBytes?: Uint8Array; fileName?: string; seed?: number },
): Promise<PrepareResult> {
  const parsed = parseDesign(text, { fileName: options.fileName });
  if (!parsed.ok) return { ok: false, error: { type: 'design', message: parsed.error.message } };
  const design = parsed.design;
  // Structure first, without the data: a broken graph is reported even when the data is missing too.
  const structural = analyzeGraph(design.graph, {});
  if (!structural.trainable) return { ok: false, error: graphError(structural) };
  const seed = options.seed ?? design.training.seed;
  const data = await loadData(design.data, {
    designDir: options.designDir ?? undefined,
    csvBytes: options.csvBytes,
    seed,
    validationSplit: design.training.validationSplit ?? 0.2,
  });
  if (!data.ok) return { ok: false, error: { type: 'data', message: `data: ${data.error.message}` } };
  const analysis = analyzeGraph(design.graph, {
    outputUnits: data.value.outputUnits,
    dataInputShape: data.value.inputShape,
  });
  if (!analysis.trainable) return { ok: false, error: graphError(analysis) };
  return { ok: true, value: { design, data: data.value, analysis, designDir: options.designDir } };
}

function graphError(analysis: GraphAnalysis): RunError {
  const lines = analysis.problems.map((p) => p.message);
  const summary =
    lines.length === 1 ? 'the network cannot be trained:' : `the network has ${lines.length} problems:`;
  return { type: 'graph', message: [summary, ...lines.map((l) => `  ${l}`)].join('\n') };
}

/** The memory one training step of a prepared run needs (see src-shared/graph/memory-estimate.ts). */
export function estimateRunMemory(run: Pick<PreparedRun, 'design' | 'analysis' | 'data'>): MemoryEstimate {
  const { train, validation } = run.data;
  return estimateTrainingMemory({
    training: run.design.training,
    analysis: run.analysis,
    data: {
      trainRows: train.n,
      totalRows: train.n + (validation?.n ?? 0),
      exampleSize: train.n ? train.x.length / train.n : 0,
      outputUnits: run.data.outputUnits,
    },
  });
}

/**
 * Refuses a run whose training step would not fit `backend`'s memory, with
 * the numbers and what to change; undefined when it fits. Checked before
 * anything is built: a backend that runs out aborts instead of failing.
 */
export function checkRunMemory(
  run: Pick<PreparedRun, 'design' | 'analysis' | 'data'>,
  backend: BackendName,
  budget = memoryBudget(backend),
): RunError | undefined {
  const problem = memoryProblem(estimateRunMemory(run), budget);
  return problem ? { type: 'design', message: `the design is too large to train: ${problem}` } : undefined;
}
