/**
 * Every run of the session, each tied to the exact design it trained (its
 * file text), with its settings, seed, backend, steps, final loss/accuracy
 * and wall time: the Runs list, the runs chosen for comparison, and where
 * kept runs are stored (a RunStore: the page's IndexedDB in browser mode,
 * the `<name>.runs/` folder beside the design in the desktop app). A run
 * being trained is held whole (RunTelemetry); when it ends it is kept as a
 * bounded digest with its trained weights, and at most MAX_RUNS are listed,
 * the oldest going first.
 */
import type { Design, TrainingSpec } from '../../../../src-shared/design/types';
import { serializeDesign } from '../../../../src-shared/design/serialize';
import type { BackendReport } from '../../../../src-shared/protocol';
import { digestRun, lastFinite, type RunSeries } from './run-digest';
import type { RunTelemetry } from './run-telemetry';

/** Runs kept at most (the list, the comparison and the page's storage). */
export const MAX_RUNS = 20;
/** Runs compared side by side at most. */
export const MAX_COMPARED = 4;

export type RunState = 'running' | 'paused' | 'finished' | 'stopped' | 'diverged';

/** What the Runs list shows about a run, and what its summary file holds. */
export interface RunInfo {
  /** Unique and stable: the key in storage and the run file's name. */
  id: string;
  name: string;
  /** The design it trained, exactly (serialized): the run belongs to it and to no edit after it. */
  designText: string;
  designName: string;
  /** The file the design was opened from or saved to, or null for one never saved. */
  designFile: string | null;
  training: TrainingSpec;
  /** `wasm (simd)`; null until the engine said. */
  backend: string | null;
  /** Date.now() at Train. */
  startedAt: number;
  wallMs: number;
  steps: number;
  totalSteps: number;
  finalLoss: number | null;
  finalAccuracy: number | null;
  state: RunState;
}

/** A run in the list: its description and its telemetry (live, or a digest once it ended). */
export interface KeptRun {
  info: RunInfo;
  series: RunSeries;
  /** The editor document it belongs to this session (EditorState.documentId); -1 for one loaded from storage. */
  documentId: number;
  /** The engine's id while the engine still holds its weights; null for one loaded from storage. */
  engineRunId: number | null;
  /**
   * The design file the run is kept beside (desktop: `<name>.runs/`), the full
   * path main handed out; null for a design never saved, and in browser mode.
   * Memory only: a run file does not name folders of the machine it came from.
   */
  designPath: string | null;
  /**
   * Its trained weights (safetensors keyed nodeId/role), taken from the engine
   * when it ended, so Export can give any run's, not only the engine's last;
   * kept with the run (docs/runs.md).
   */
  weights?: Uint8Array | null;
}

/** Kept runs read back, and what could not be read (named for the user). */
export interface LoadedRuns {
  runs: KeptRun[];
  problems: string[];
}

/**
 * Where kept runs go between sessions; the library codes against this alone,
 * so the page's IndexedDB (runs-db.ts) and the folder beside the design
 * (runs-disk.ts) are interchangeable.
 */
export interface RunStore {
  /**
   * True when runs are kept per design file (desktop): `load` reads the runs
   * of one design, a run of an unsaved design waits for its file, and a run
   * dropped from the list stays on disk. False for one store of every run
   * (browser), bounded like the list.
   */
  readonly perDesign: boolean;
  /** Where, for messages: "in this browser's storage", "beside the design". */
  readonly place: string;
  /** The runs kept for the design at `designPath` (perDesign), or every kept run. */
  load(designPath: string | null): Promise<LoadedRuns>;
  /** Keeps `run` with its weights; false when it cannot be kept yet (perDesign: its design has no file). */
  save(run: KeptRun): Promise<boolean>;
  remove(run: KeptRun): Promise<void>;
}

/** What starting a run needs to know, from the session and the editor. */
export interface RunStart {
  engineRunId: number;
  design: Design;
  designFile: string | null;
  /** The design's full path when main handed one out (desktop), else null. */
  designPath?: string | null;
  documentId: number;
  telemetry: RunTelemetry;
  backend: BackendReport | null;
}

/** The candidate the engine trained on (`wasm`, `tensorflow-gpu`), as the backend chip names it. */
const backendText = (b: BackendReport | null) => (b ? b.variant || b.name : null);

export class RunLibrary {
  /** Newest first. Replaced on every change. */
  runs = $state.raw<KeptRun[]>([]);
  /** Ids of the runs compared, in the order chosen (at most MAX_COMPARED). */
  compared = $state.raw<string[]>([]);
  /** The last storage failure, shown in the Runs view. */
  storageError = $state<string | null>(null);
  /** What set storageError: a failed write clears once a later write succeeds; a failed read stays until the next read. */
  #errorFrom: 'read' | 'write' | null = null;
  /** Ended runs the store could not keep yet (desktop: their design is unsaved); kept when it is saved. */
  unkept = $state.raw<string[]>([]);

  readonly #store: RunStore | null;
  readonly #now: () => number;
  readonly #takeWeights?: (engineRunId: number) => Promise<Uint8Array | null>;
  #counter = 0;
  /** The design whose kept runs were last listed (perDesign stores), or '' once a global store was read. */
  #restored: string | null = null;

  constructor(
    store: RunStore | null = null,
    options: {
      now?: () => number;
      /** Asks the engine for an ended run's trained weights. */
      takeWeights?: (engineRunId: number) => Promise<Uint8Array | null>;
    } = {},
  ) {
    this.#store = store;
    this.#now = options.now ?? (() => Date.now());
    this.#takeWeights = options.takeWeights;
  }

  /**
   * The open document is `documentId`, kept in the file at `designPath` (null
   * for one never saved, and always in browser mode). Its runs waiting for a
   * file are kept there now, and its past runs are listed.
   */
  async designAt(documentId: number, designPath: string | null): Promise<void> {
    if (designPath) {
      const fileName = designPath.split(/[\\/]/).pop() ?? designPath;
      for (const run of this.runs) {
        if (run.documentId !== documentId || run.designPath !== null) continue;
        const moved = { ...run, designPath, info: { ...run.info, designFile: fileName } };
        this.#swap(moved);
        if (this.unkept.includes(run.info.id)) void this.#save(moved);
      }
    }
    await this.restore(designPath);
  }

  /** Lists the runs kept by earlier sessions (after those of this one): of `designPath`, for a perDesign store. */
  async restore(designPath: string | null = null): Promise<void> {
    const store = this.#store;
    if (!store) return;
    const key = store.perDesign ? designPath : '';
    if (key === null || key === this.#restored) return;
    this.#restored = key;
    try {
      const { runs: stored, problems } = await store.load(designPath);
      const known = this.runs.map((r) => r.info.id);
      const older = stored
        .filter((r) => !known.includes(r.info.id))
        .sort((a, b) => b.info.startedAt - a.info.startedAt);
      // Past the highest number a kept run carries, not just their count: with Run 1 and 2
      // deleted, a kept "Run 3" and a new "Run 2", then "Run 3" again, would read as the same run.
      const numbered = older.map((r) => Number(/^Run (\d+) · /.exec(r.info.name)?.[1] ?? 0));
      this.#counter = Math.max(this.#counter, older.length, ...numbered);
      this.runs = [...this.runs, ...older].slice(0, MAX_RUNS);
      this.#storageProblem(
        'read',
        problems.length ? `Some past runs could not be read ${store.place}: ${problems.join('; ')}` : null,
      );
    } catch (error) {
      this.#storageProblem('read', `Past runs could not be read ${store.place}: ${(error as Error).message}`);
    }
  }

  get(id: string): KeptRun | undefined {
    return this.runs.find((r) => r.info.id === id);
  }

  /** The run the engine trains as `engineRunId`, if listed. */
  byEngineRun(engineRunId: number): KeptRun | undefined {
    return this.runs.find((r) => r.engineRunId === engineRunId);
  }

  /** A run started: listed at the top, named "Run N · design". */
  started(start: RunStart): KeptRun {
    this.#counter++;
    const { design } = start;
    const run: KeptRun = {
      info: {
        id: `run-${this.#now().toString(36)}-${start.engineRunId.toString(36)}`,
        name: `Run ${this.#counter} · ${design.name}`,
        designText: serializeDesign(design),
        designName: design.name,
        designFile: start.designFile,
        training: design.training,
        backend: backendText(start.backend),
        startedAt: this.#now(),
        wallMs: 0,
        steps: 0,
        totalSteps: start.telemetry.totalSteps,
        finalLoss: null,
        finalAccuracy: null,
        state: 'running',
      },
      series: start.telemetry,
      documentId: start.documentId,
      engineRunId: start.engineRunId,
      designPath: start.designPath ?? null,
    };
    this.#replace([run, ...this.runs]);
    return run;
  }

  /**
   * The run `engineRunId` ended (finished, stopped, diverged, or left behind
   * when another document opened): its final figures are written down, its
   * telemetry becomes a digest, and it is stored.
   */
  ended(engineRunId: number, state: RunState): void {
    const run = this.byEngineRun(engineRunId);
    if (!run || run.info.state === state) return;
    const series = run.series;
    const kept: KeptRun = {
      ...run,
      info: {
        ...run.info,
        ...figures(series),
        state,
        wallMs: this.#now() - run.info.startedAt,
      },
      series: digestRun(series),
    };
    this.#swap(kept);
    void this.#keep(kept, engineRunId);
  }

  /** Takes the ended run's weights from the engine, then stores the run with them. */
  async #keep(ended: KeptRun, engineRunId: number): Promise<void> {
    // A failure leaves the run without weights: it cannot be exported as trained, and is still kept.
    const weights = await this.#takeWeights?.(engineRunId).catch(() => null);
    // Renamed meanwhile, or already out of the list (a perDesign store keeps it all the same).
    const listed = this.get(ended.info.id);
    const run = { ...(listed ?? ended), weights: weights ?? null };
    if (listed) this.#swap(run);
    await this.#save(run);
  }

  /** A live run's figures as they are now (the list refreshes them while it trains). */
  live(run: KeptRun): RunInfo {
    if (run.info.state !== 'running' && run.info.state !== 'paused') return run.info;
    return { ...run.info, ...figures(run.series), wallMs: this.#now() - run.info.startedAt };
  }

  setBackend(engineRunId: number, backend: BackendReport | null): void {
    const run = this.byEngineRun(engineRunId);
    if (run) this.#swap({ ...run, info: { ...run.info, backend: backendText(backend) } });
  }

  setPaused(engineRunId: number, paused: boolean): void {
    const run = this.byEngineRun(engineRunId);
    if (run && (run.info.state === 'running' || run.info.state === 'paused'))
      this.#swap({ ...run, info: { ...run.info, state: paused ? 'paused' : 'running' } });
  }

  rename(id: string, name: string): string | null {
    const trimmed = name.trim();
    if (!trimmed) return 'A run needs a name';
    const run = this.get(id);
    if (!run) return `There is no run ${id}`;
    const renamed = { ...run, info: { ...run.info, name: trimmed } };
    this.#swap(renamed);
    if (!this.#isLive(renamed)) void this.#save(renamed);
    return null;
  }

  remove(id: string): void {
    const run = this.get(id);
    this.runs = this.runs.filter((r) => r.info.id !== id);
    this.compared = this.compared.filter((c) => c !== id);
    this.unkept = this.unkept.filter((u) => u !== id);
    if (run && this.#store)
      void this.#store.remove(run).then(
        () => this.#storageProblem('write', null),
        (error: Error) =>
          this.#storageProblem(
            'write',
            `The run could not be deleted ${this.#store?.place}: ${error.message}`,
          ),
      );
  }

  /** Adds or removes a run from the comparison; false when four are compared already. */
  toggleCompared(id: string): boolean {
    if (this.compared.includes(id)) {
      this.compared = this.compared.filter((c) => c !== id);
      return true;
    }
    if (this.compared.length >= MAX_COMPARED) return false;
    this.compared = [...this.compared, id];
    return true;
  }

  /** A run read from a file (upload): listed, and stored like one trained here (beside `designPath`, if any). */
  add(run: KeptRun, designPath: string | null = null): void {
    const others = this.runs.filter((r) => r.info.id !== run.info.id);
    const placed = { ...run, designPath };
    this.#replace([placed, ...others]);
    void this.#save(placed);
  }

  #isLive(run: KeptRun): boolean {
    return run.info.state === 'running' || run.info.state === 'paused';
  }

  #swap(run: KeptRun): void {
    this.runs = this.runs.map((r) => (r.info.id === run.info.id ? run : r));
  }

  /** Keeps at most MAX_RUNS: the oldest ended ones go first (never one still training). */
  #replace(runs: KeptRun[]): void {
    const kept = [...runs];
    for (let i = kept.length - 1; kept.length > MAX_RUNS && i >= 0; i--) {
      if (this.#isLive(kept[i])) continue;
      const [dropped] = kept.splice(i, 1);
      this.compared = this.compared.filter((c) => c !== dropped.info.id);
      // The page's storage is bounded like the list; files beside a design are the user's, and stay.
      if (this.#store && !this.#store.perDesign) void this.#store.remove(dropped).catch(() => {});
    }
    this.runs = kept;
  }

  async #save(run: KeptRun): Promise<void> {
    const store = this.#store;
    if (!store) return;
    const id = run.info.id;
    // The page's storage holds what the list holds: a run dropped from it meanwhile is not written back.
    if (!store.perDesign && !this.get(id)) return;
    try {
      const kept = await store.save(run);
      const others = this.unkept.filter((u) => u !== id);
      this.unkept = kept || !this.get(id) ? others : [...others, id];
      if (kept) this.#storageProblem('write', null);
    } catch (error) {
      this.#storageProblem('write', `The run could not be kept ${store.place}: ${(error as Error).message}`);
    }
  }

  /**
   * Shows `message`, or (null) clears what `from` had shown: a write that succeeds after one
   * that failed (the disk had filled, a folder was read-only for a moment) takes its message
   * down, but does not hide a read problem, and a read does not hide a write problem.
   */
  #storageProblem(from: 'read' | 'write', message: string | null): void {
    if (message) {
      this.storageError = message;
      this.#errorFrom = from;
    } else if (this.#errorFrom === from) {
      this.storageError = null;
      this.#errorFrom = null;
    }
  }
}

/** Steps taken and the last loss/accuracy of a live run. */
function figures(series: RunSeries): Pick<RunInfo, 'steps' | 'finalLoss' | 'finalAccuracy'> {
  const n = series.stepCount;
  return {
    steps: n > 0 ? series.stepNumbers[n - 1] + 1 : 0,
    finalLoss: lastFinite(series.stepLoss, n),
    finalAccuracy: lastFinite(series.stepAccuracy, n),
  };
}
