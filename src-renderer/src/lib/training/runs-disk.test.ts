/**
 * The desktop RunStore over the file bridge, against a bridge that answers as
 * main does (summaries newest first, run files by id, refusals as data): a
 * kept run reads back with its weights and the path it is kept beside, a run
 * of an unsaved design is not sent, and unreadable runs are named, not fatal.
 */
import { describe, expect, it } from 'vitest';
import type { FileResult, StoredRun } from '../../../../src-shared/files-protocol';
import type { KeptRunsBridge } from '../files/host';
import { emptyDesign } from '../state/design-store.svelte';
import { runToJsonl } from './run-file';
import { RunTelemetry } from './run-telemetry';
import { RunLibrary, type KeptRun } from './runs.svelte';
import { designRunStore } from './runs-disk';

const DESIGN = '/home/u/deep.backflow.json';

/** A finished run of a few steps, as the library keeps it. */
function finishedRun(engineRunId: number): KeptRun {
  const library = new RunLibrary();
  library.started({
    engineRunId,
    design: emptyDesign('deep'),
    designFile: 'deep.backflow.json',
    designPath: DESIGN,
    documentId: 1,
    telemetry: new RunTelemetry(engineRunId, [{ id: 'd1', type: 'dense' }], 3, 3, null, 3),
    backend: null,
  });
  library.ended(engineRunId, 'finished');
  return library.runs[0];
}

/** Main's side, in memory: what it was asked, and the files it holds for DESIGN. */
function fakeMain() {
  const files = new Map<string, StoredRun>();
  const calls: string[] = [];
  const refused = <T>(message: string): FileResult<T> => ({
    ok: false,
    error: { type: 'notAllowed', message },
  });
  const bridge: KeptRunsBridge = {
    async runsList(designPath) {
      calls.push(`list ${designPath}`);
      if (designPath !== DESIGN)
        return refused('runs are kept only beside a design opened or saved in Backflow');
      const summaries = [...files.keys()].map((id) => ({ id }));
      return { ok: true, value: { summaries, skipped: ['run-broken.json'] } };
    },
    async runsRead(designPath, id) {
      const run = files.get(id);
      return run
        ? { ok: true, value: run }
        : { ok: false, error: { type: 'io', message: `${id}.jsonl could not be read (ENOENT)` } };
    },
    async runsSave(designPath, id, text, weights) {
      calls.push(`save ${designPath} ${id}`);
      files.set(id, { text, weights });
      return { ok: true, value: undefined };
    },
    async runsRemove(designPath, id) {
      calls.push(`remove ${designPath} ${id}`);
      files.delete(id);
      return { ok: true, value: undefined };
    },
  };
  return { bridge, files, calls };
}

describe('runs kept beside the design (desktop RunStore)', () => {
  it('saves a run with its weights beside its design and reads it back as it was', async () => {
    const main = fakeMain();
    const store = designRunStore(main.bridge);
    const run = { ...finishedRun(1), weights: Uint8Array.from([4, 5, 6]) };
    expect(await store.save(run)).toBe(true);
    expect(main.calls).toEqual([`save ${DESIGN} ${run.info.id}`]);
    const { runs, problems } = await store.load(DESIGN);
    expect(runs).toHaveLength(1);
    expect(runs[0].info).toEqual(run.info);
    expect(runs[0].designPath).toBe(DESIGN);
    expect(runs[0].weights).toEqual(Uint8Array.from([4, 5, 6]));
    expect(runToJsonl(runs[0])).toBe(runToJsonl(run));
    expect(problems).toEqual(['run-broken.json is not a run summary']);
    await store.remove(runs[0]);
    expect(main.files.size).toBe(0);
  });

  it('sends nothing for a design without a file, and names runs that cannot be read', async () => {
    const main = fakeMain();
    const store = designRunStore(main.bridge);
    expect(await store.save({ ...finishedRun(2), designPath: null })).toBe(false);
    expect(await store.load(null)).toEqual({ runs: [], problems: [] });
    expect(main.calls).toEqual([]);
    main.files.set('run-x', { text: '{"type":"step"}\n', weights: null });
    const { runs, problems } = await store.load(DESIGN);
    expect(runs).toEqual([]);
    expect(problems).toContain(
      'run-x.jsonl, line 1: not a Backflow run (the first line must be {"type":"run","format":"backflow-run",…})',
    );
    await expect(store.load('/elsewhere.backflow.json')).rejects.toThrow(
      'runs are kept only beside a design opened or saved in Backflow',
    );
  });
});
