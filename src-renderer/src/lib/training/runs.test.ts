import { describe, expect, it } from 'vitest';
import { LAYER_STAT_FIELDS, LAYER_STAT_STRIDE } from '../../../../src-shared/telemetry';
import { emptyDesign } from '../state/design-store.svelte';
import { digestRun, evenPicks, MAX_RECORDS, MAX_STEPS } from './run-digest';
import { parseRunFile, runCsv, runToJsonl } from './run-file';
import { RunTelemetry } from './run-telemetry';
import { MAX_RUNS, RunLibrary, type KeptRun, type RunStore } from './runs.svelte';

const GRAD = LAYER_STAT_FIELDS.indexOf('gradNorm');
const OUT = LAYER_STAT_FIELDS.indexOf('outGradNorm');

/** A run of `steps` steps over `layerIds`: gradNorm = (step + 1) × 10^-layer, outGradNorm NaN on layer 0. */
function telemetry(steps: number, layerIds = ['d1', 'd2', 'out']): RunTelemetry {
  const layers = layerIds.map((id) => ({
    id,
    type: id === 'out' ? ('output' as const) : ('dense' as const),
  }));
  const run = new RunTelemetry(7, layers, steps, 10, null, steps);
  for (let s = 0; s < steps; s++) {
    const stats = new Float32Array(layers.length * LAYER_STAT_STRIDE);
    layers.forEach((_, l) => {
      stats[l * LAYER_STAT_STRIDE + GRAD] = (s + 1) * 10 ** -l;
      stats[l * LAYER_STAT_STRIDE + OUT] = l === 0 ? NaN : 0.5;
    });
    run.pushStep({ step: s, epoch: 0, loss: 2 / (s + 1), accuracy: s % 2 ? 0.5 : 0.75, stats });
  }
  // As the session stores them: the engine's epoch events, which carry their type and run id too.
  const epoch = {
    epoch: 0,
    step: steps - 1,
    loss: 1,
    accuracy: 0.5,
    validationLoss: 1.5,
    validationAccuracy: null,
  };
  run.pushEpoch({ type: 'train.onEpoch', runId: 7, ...epoch } as never);
  return run;
}

/**
 * A store in memory: one store of every run, as the page's IndexedDB holds
 * them (`perDesign` false), or per design file, as the folders beside designs
 * do (`perDesign` true: a run without a file cannot be kept yet).
 */
function memoryStore(perDesign = false) {
  const held = new Map<string, { text: string; weights: Uint8Array | null; designPath: string | null }>();
  const key = (run: KeptRun) => `${perDesign ? run.designPath : ''}|${run.info.id}`;
  const store: RunStore = {
    perDesign,
    place: 'in memory',
    load: async (designPath) => {
      const runs = [...held.values()]
        .filter((entry) => !perDesign || entry.designPath === designPath)
        .map(({ text, weights }) => {
          const parsed = parseRunFile(text);
          if (!parsed.ok) throw new Error(parsed.message);
          return { ...parsed.run, designPath: perDesign ? designPath : null, weights };
        });
      return { runs, problems: [] };
    },
    save: async (run) => {
      if (perDesign && !run.designPath) return false;
      held.set(key(run), { text: runToJsonl(run), weights: run.weights ?? null, designPath: run.designPath });
      return true;
    },
    remove: async (run) => void held.delete(key(run)),
  };
  return { ...store, held };
}

/** Lets the library's queued promise chains (weights, then the store) run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function start(
  library: RunLibrary,
  engineRunId: number,
  run = telemetry(30),
  designPath: string | null = null,
): KeptRun {
  return library.started({
    engineRunId,
    design: emptyDesign(`net ${engineRunId}`),
    designFile: null,
    designPath,
    documentId: 1,
    telemetry: run,
    backend: { name: 'wasm', variant: 'wasm', attempts: [] },
  });
}

describe('digest', () => {
  it('picks records evenly, first and last included', () => {
    expect(evenPicks(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenPicks(101, 5)).toEqual([0, 25, 50, 75, 100]);
  });

  it('keeps 10,000 steps × 100 layers in a bounded size, with the exact values at the kept records', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `d${i}`);
    const run = telemetry(10_000, ids);
    const digest = digestRun(run);
    expect(digest.count).toBe(MAX_RECORDS);
    expect(digest.stepCount).toBe(MAX_STEPS);
    expect(digest.recordSteps[0]).toBe(0);
    expect(digest.recordSteps[MAX_RECORDS - 1]).toBe(9999);
    expect(digest.column('gradNorm', MAX_RECORDS - 1)[2]).toBeCloseTo(10_000 * 1e-2, 3);
    // 4 quantities × 1000 records × 100 layers × 4 B, plus 4000 loss points: about 1.7 MB, against ~100 MB whole.
    expect(digest.bytes).toBeLessThan(1.7e6);
    // Loss points are bucket means: the first bucket of 2.5 steps is the mean of 2/1, 2/2 (and its share).
    expect(digest.stepLoss[0]).toBeCloseTo((2 / 1 + 2 / 2) / 2, 10);
  });
});

describe('run file', () => {
  it('round-trips a run exactly: description, records, NaN as null, loss points', () => {
    const library = new RunLibrary();
    const kept = start(library, 3);
    library.ended(3, 'finished');
    const run = library.runs[0];
    const text = runToJsonl(run);
    expect(text.split('\n')[0]).toContain('"format":"backflow-run"');
    expect(text).toContain('"outGradNorm":null');
    const parsed = parseRunFile(text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.run.info).toEqual(run.info);
    expect(parsed.run.info.id).toBe(kept.info.id);
    expect(Array.from(parsed.run.series.recordSteps)).toEqual(Array.from(run.series.recordSteps));
    expect(Array.from(parsed.run.series.column('gradNorm', 29))).toEqual(
      Array.from(run.series.column('gradNorm', 29)),
    );
    expect(Number.isNaN(parsed.run.series.column('outGradNorm', 0)[0])).toBe(true);
    expect(Array.from(parsed.run.series.stepLoss)).toEqual(Array.from(run.series.stepLoss));
    expect(parsed.run.series.epochs).toEqual([
      { epoch: 0, step: 29, loss: 1, accuracy: 0.5, validationLoss: 1.5, validationAccuracy: null },
    ]);
    expect(runToJsonl(parsed.run)).toBe(text);
  });

  it('names the line and the problem of a bad file', () => {
    expect(parseRunFile('')).toEqual({ ok: false, message: 'the run file is empty' });
    expect(parseRunFile('{"type":"step"}', 'a.jsonl')).toMatchObject({
      ok: false,
      message: /^a\.jsonl, line 1: not a Backflow run/,
    });
    const library = new RunLibrary();
    start(library, 1);
    library.ended(1, 'stopped');
    const lines = runToJsonl(library.runs[0]).split('\n');
    lines[2] = '{"type":"step","step":1,"layers":[]}';
    expect(parseRunFile(lines.join('\n'), 'b.jsonl')).toMatchObject({
      ok: false,
      message: 'b.jsonl, line 3: "layers" must list the run\'s 3 layers',
    });
    lines[2] = 'nope';
    expect(parseRunFile(lines.join('\n'))).toMatchObject({ message: 'the run file, line 3: not valid JSON' });
  });

  it('writes CSV with one row per record and layer', () => {
    const csv = runCsv('Run, "one"', telemetry(4)).trim().split('\n');
    expect(csv[0]).toBe('run,step,loss,accuracy,layer,type,gradNorm,outGradNorm,updateRatio,skipRatio');
    expect(csv).toHaveLength(1 + 4 * 3);
    expect(csv[1]).toBe('"Run, ""one""",0,2,0.75,d1,dense,1,,0,');
  });
});

describe('RunLibrary', () => {
  it('lists runs newest first with their figures, and keeps them in the store when they end', async () => {
    const store = memoryStore();
    let now = 1000;
    const library = new RunLibrary(store, { now: () => now });
    start(library, 1);
    now = 4000;
    library.ended(1, 'finished');
    const [run] = library.runs;
    expect(run.info).toMatchObject({
      name: 'Run 1 · net 1',
      steps: 30,
      finalLoss: 2 / 30,
      finalAccuracy: 0.5,
      wallMs: 3000,
      state: 'finished',
      backend: 'wasm',
    });
    await settle();
    expect(store.held.has(`|${run.info.id}`)).toBe(true);
    const again = new RunLibrary(store);
    await again.restore();
    expect(again.storageError).toBeNull();
    expect(again.runs.map((r) => r.info)).toEqual([run.info]);
  });

  it('numbers new runs after the highest number a kept run carries, so no name repeats', async () => {
    const store = memoryStore();
    const first = new RunLibrary(store);
    for (const id of [1, 2, 3]) {
      start(first, id);
      first.ended(id, 'finished');
    }
    await settle();
    const [third, second, firstRun] = first.runs.map((r) => r.info.id);
    first.remove(firstRun);
    first.remove(second);
    await settle();
    const later = new RunLibrary(store);
    await later.restore();
    expect(later.runs.map((r) => r.info.name)).toEqual(['Run 3 · net 3']);
    expect(later.get(third)).toBeDefined();
    start(later, 4);
    expect(later.runs.map((r) => r.info.name)).toEqual(['Run 4 · net 4', 'Run 3 · net 3']);
  });

  it('takes a failed save’s message down once a later save succeeds, but not a read problem’s', async () => {
    const store = memoryStore();
    let full = true;
    const flaky: RunStore = {
      ...store,
      save: async (run) => {
        if (full) throw new Error('no space left on device');
        return store.save(run);
      },
    };
    const library = new RunLibrary(flaky);
    start(library, 1);
    library.ended(1, 'finished');
    await settle();
    expect(library.storageError).toBe('The run could not be kept in memory: no space left on device');
    full = false;
    start(library, 2);
    library.ended(2, 'finished');
    await settle();
    expect(library.storageError).toBeNull();

    const unreadable = new RunLibrary({
      ...store,
      load: async () => ({ runs: [], problems: ['run-9.jsonl: not a run'] }),
    });
    await unreadable.restore();
    start(unreadable, 3);
    unreadable.ended(3, 'finished');
    await settle();
    expect(unreadable.storageError).toBe(
      'Some past runs could not be read in memory: run-9.jsonl: not a run',
    );
  });

  it(`keeps at most ${MAX_RUNS} runs (the oldest go, never a live one), compares at most four`, () => {
    const library = new RunLibrary();
    for (let i = 1; i <= MAX_RUNS + 3; i++) {
      start(library, i, telemetry(3));
      if (i > 1) library.ended(i, 'finished');
    }
    expect(library.runs).toHaveLength(MAX_RUNS);
    expect(library.runs.map((r) => r.engineRunId)).toContain(1); // still running: kept
    expect(library.runs.map((r) => r.engineRunId)).not.toContain(2);
    const ids = library.runs.map((r) => r.info.id);
    for (const id of ids.slice(0, 4)) expect(library.toggleCompared(id)).toBe(true);
    expect(library.toggleCompared(ids[4])).toBe(false);
    library.remove(ids[0]);
    expect(library.compared).toEqual(ids.slice(1, 4));
    expect(library.rename(ids[1], '  ')).toBe('A run needs a name');
    expect(library.rename(ids[1], 'baseline')).toBeNull();
    expect(library.get(ids[1])?.info.name).toBe('baseline');
  });

  it('keeps a run with its trained weights, and lists both again in a later session', async () => {
    const store = memoryStore();
    const weights = Uint8Array.from([7, 8, 9]);
    const library = new RunLibrary(store, { takeWeights: async () => weights });
    const run = start(library, 1);
    library.ended(1, 'finished');
    await settle();
    expect(library.get(run.info.id)?.weights).toEqual(weights);
    const later = new RunLibrary(store);
    await later.restore();
    expect(later.runs.map((r) => [r.info.id, r.weights])).toEqual([[run.info.id, weights]]);
  });

  it('per design: a run of an unsaved design waits for its file, then is kept beside it; past runs list on reopening', async () => {
    const store = memoryStore(true);
    const library = new RunLibrary(store, { takeWeights: async () => Uint8Array.from([1]) });
    await library.designAt(1, null);
    const unsaved = start(library, 1);
    library.ended(1, 'finished');
    await settle();
    expect(library.unkept).toEqual([unsaved.info.id]);
    expect(store.held.size).toBe(0);
    // First saved as /d/deep.backflow.json: the run goes beside it, named by it.
    await library.designAt(1, '/d/deep.backflow.json');
    await settle();
    expect(library.unkept).toEqual([]);
    expect([...store.held.keys()]).toEqual([`/d/deep.backflow.json|${unsaved.info.id}`]);
    expect(library.get(unsaved.info.id)?.info.designFile).toBe('deep.backflow.json');
    // A run trained on the saved design, then one left running is never written while live.
    const second = start(library, 2, telemetry(5), '/d/deep.backflow.json');
    library.ended(2, 'stopped');
    await settle();
    expect(store.held.size).toBe(2);

    // Next session, another design first (its runs are not listed), then this one.
    const later = new RunLibrary(store);
    await later.designAt(1, '/d/other.backflow.json');
    expect(later.runs).toEqual([]);
    await later.designAt(2, '/d/deep.backflow.json');
    expect(later.runs.map((r) => r.info.id).sort()).toEqual([unsaved.info.id, second.info.id].sort());
    expect(later.runs.every((r) => r.designPath === '/d/deep.backflow.json')).toBe(true);
    expect(later.get(second.info.id)?.weights).toEqual(Uint8Array.from([1]));
    // Renamed and deleted on disk too.
    expect(later.rename(second.info.id, 'baseline')).toBeNull();
    await settle();
    const again = await store.load('/d/deep.backflow.json');
    expect(again.runs.find((r) => r.info.id === second.info.id)?.info.name).toBe('baseline');
    later.remove(unsaved.info.id);
    await settle();
    expect([...store.held.keys()]).toEqual([`/d/deep.backflow.json|${second.info.id}`]);
  });

  it(`per design: a run dropped from the list (past ${MAX_RUNS}) stays on disk`, async () => {
    const store = memoryStore(true);
    const library = new RunLibrary(store);
    for (let i = 1; i <= MAX_RUNS + 2; i++) {
      start(library, i, telemetry(2), '/d/a.backflow.json');
      library.ended(i, 'finished');
    }
    await settle();
    expect(library.runs).toHaveLength(MAX_RUNS);
    expect(store.held.size).toBe(MAX_RUNS + 2);
  });
});
