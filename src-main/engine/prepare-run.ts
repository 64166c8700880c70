/**
 * From a design file on disk to everything a run needs — the parsed design,
 * its data, and a graph analysis that says it is trainable — or one error
 * that names what is wrong and where. Shared by the CLI, the engine worker
 * and the server, so "is this trainable?" has one answer.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MAX_DESIGN_SIZE, parseDesign, type Design, type DesignError } from '../../src-shared/design';
import { findJsonSyntaxError } from '../../src-shared/design/json-syntax';
import { analyzeGraph, type GraphAnalysis } from '../../src-shared/graph';
import {
  estimateTrainingMemory,
  memoryProblem,
  type MemoryEstimate,
} from '../../src-shared/graph/memory-estimate';
import type { BackendName } from './backend/backend';
import { loadData, type LoadedData } from './data';
import { memoryBudget } from './memory-budget';

/**
 * One problem of a design file and where it is: a JSON path into the file
 * as written (`graph.nodes[3].params.units`, `''` for the whole file) or,
 * for a JSON syntax error, a line and column. The CLI prints these as
 * `file:line:column: message`.
 */
export type RunProblem = { message: string } & ({ path: string } | { line: number; column: number });

/** Where preparing a run failed; `type` says which stage. */
export interface RunError {
  type: 'file' | 'design' | 'graph' | 'data';
  /** Complete, plain-language message, possibly several lines (one per problem). */
  message: string;
  /** The same problems one by one, each with its place in the file, where they have one. */
  problems?: RunProblem[];
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
  // No file name in the messages: the command line names the file itself, once, before each.
  return prepareRun(text.value, { designDir: dirname(resolve(path)), ...overrides });
}

/** The text of a design file, or a message saying why it cannot be read (the caller names the file). */
export async function readDesignText(
  path: string,
): Promise<{ ok: true; value: string } | { ok: false; error: RunError }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, error: { type: 'file', message: 'not a file' } };
    if (info.size > MAX_DESIGN_SIZE) {
      return {
        ok: false,
        error: {
          type: 'file',
          message: `${info.size} bytes; a design file is at most ${MAX_DESIGN_SIZE}`,
        },
      };
    }
    return { ok: true, value: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    return { ok: false, error: { type: 'file', message: `cannot read it: ${why}` } };
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
  if (!parsed.ok) return { ok: false, error: designError(parsed.error, text) };
  const design = parsed.design;
  // Structure first, without the data: a broken graph is reported even when the data is missing too.
  const structural = analyzeGraph(design.graph, {});
  if (!structural.trainable) return { ok: false, error: graphError(structural, design) };
  const seed = options.seed ?? design.training.seed;
  const data = await loadData(design.data, {
    designDir: options.designDir ?? undefined,
    csvBytes: options.csvBytes,
    seed,
    validationSplit: design.training.validationSplit ?? 0.2,
  });
  if (!data.ok) {
    const message = `data: ${data.error.message}`;
    return { ok: false, error: { type: 'data', message, problems: [{ path: 'data', message }] } };
  }
  const analysis = analyzeGraph(design.graph, {
    outputUnits: data.value.outputUnits,
    dataInputShape: data.value.inputShape,
  });
  if (!analysis.trainable) return { ok: false, error: graphError(analysis, design) };
  return { ok: true, value: { design, data: data.value, analysis, designDir: options.designDir } };
}

function graphError(analysis: GraphAnalysis, design: Design): RunError {
  const lines = analysis.problems.map((p) => p.message);
  const summary =
    lines.length === 1 ? 'the network cannot be trained:' : `the network has ${lines.length} problems:`;
  // Each problem sits at its node (or edge) in the file; the graph as a whole where it has none.
  const problems = analysis.problems.map(({ nodeId, edgeId, message }) => {
    const edge = edgeId === undefined ? -1 : design.graph.edges.findIndex((e) => e.id === edgeId);
    const node = nodeId === null ? -1 : design.graph.nodes.findIndex((n) => n.id === nodeId);
    const path = edge >= 0 ? `graph.edges[${edge}]` : node >= 0 ? `graph.nodes[${node}]` : 'graph';
    return { path, message };
  });
  return { type: 'graph', message: [summary, ...lines.map((l) => `  ${l}`)].join('\n'), problems };
}

/** A design that did not load: each issue at its path, a JSON syntax error at its line and column. */
function designError(error: DesignError, text: string): RunError {
  let problems: RunProblem[] | undefined = error.issues?.map(({ path, message }) => ({ path, message }));
  if (error.type === 'invalidJson') {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const found = body.trim() === '' ? undefined : findJsonSyntaxError(body); // empty: the message says so
    if (found) problems = [{ line: found.line, column: found.column, message: found.message }];
  }
  return { type: 'design', message: error.message, ...(problems ? { problems } : {}) };
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
  if (!problem) return undefined;
  const message = `the design is too large to train: ${problem}`;
  return { type: 'design', message, problems: [{ path: 'training.batchSize', message }] };
}
