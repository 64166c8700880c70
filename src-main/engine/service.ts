/**
 * The engine as a message service: requests in (already transport-decoded),
 * events out. Transport-agnostic — the worker thread, and through it the
 * Electron main process and the WebSocket server, wrap this one object.
 * One run at a time; a new `train.start` stops the previous run first. The
 * last run is kept after it ends (until the next starts) so its trained
 * weights can still be exported.
 */
import {
  parseEngineRequest,
  refusal,
  type EngineError,
  type EngineEvent,
  type EngineRequest,
  type EngineResult,
  type DesignRequest,
  type DesignTiming,
  type InitPreview,
} from '../../src-shared/protocol';
import type { Design } from '../../src-shared/design/types';
import type { GraphAnalysis } from '../../src-shared/graph';
import { currentBackend, initBackend, type BackendChoice } from './backend/backend';
import type { LoadedData } from './data';
import type { InterruptSource } from './model/interrupt';
import { buildNetwork, readWeightsAhead, snapshotWeights, type WeightValues } from './model/network';
import { initBackendForRun, timeSteps } from './auto-trial';
import { loadedAdapter } from './backend/webgpu';
import { checkRunMemory, prepareRun, type PreparedRun } from './prepare-run';
import { previewAtInit, previewAtInitAsync } from './train/init-preview';
import { readsAsync } from './backend/readback';
import { createTrainer, type Trainer, type TrainerEvent } from './train/trainer';
import { exportAsFiles } from './transfer/export-files';
import { importUploadedFiles } from './transfer/import-files';
import { pretrainedFromBytes } from './transfer/pretrained-bytes';
import { startWarmUp, WARM_UP_STEPS, type WarmUp, type WarmUpReport } from './warm-up';

export interface EngineService {
  /** Handles one untrusted message. Never throws: failures become `train.onError` or `*.onResult` events. */
  handle(message: unknown): Promise<void>;
  dispose(): void;
}

/** A run and what its weights mean: the design and seed it was built from. */
interface HeldRun {
  runId: number;
  trainer: Trainer;
  design: Design;
  analysis: GraphAnalysis;
  seed: number;
}

type Request<T extends EngineRequest['type']> = Extract<EngineRequest, { type: T }>;

export interface EngineServiceOptions {
  /**
   * True while a pause or stop is on its way to the service, for a host that
   * can tell before the message is handled (the worker's shared count):
   * runs then abandon the step they are computing. See TrainerOptions.
   */
  interruptRequested?: InterruptSource;
  /**
   * Given what a request threw: true when the host ends the engine over it (a
   * broken backend, see worker/backend-failure.ts) and says so itself; no
   * error event is then sent.
   */
  endsEngine?: (error: unknown) => boolean;
  /** Each warm-up (or part of one) that ended, cancelled or not: for logs and tests. */
  onWarmUp?: (report: WarmUpReport) => void;
}

/**
 * The app asks for a decision boundary every few steps; this caps what they
 * cost at a twelfth of the run's time, so the app trains within ~10 % of the
 * CLI (which draws none) whatever the network's size.
 */
const BOUNDARY_TIME_SHARE = 0.08;

export function createEngineService(
  emit: (event: EngineEvent) => void,
  options: EngineServiceOptions = {},
): EngineService {
  let run: HeldRun | undefined;
  let warming: WarmUp | undefined;

  // A real request goes first: the warm-up stops after its current step (milliseconds).
  const stopWarmUp = async () => {
    const current = warming;
    if (!current) return;
    current.cancel();
    await current.done.catch(() => undefined);
    if (warming === current) warming = undefined;
  };

  // Warm-up steps asked for and not yet trained. The app asks when it opens and, at once,
  // for a preview of the design it shows; the preview cancels the warm-up, which then goes
  // on where it stopped once the preview is answered, until the first run.
  let warmStepsOwed = 0;
  let warmUpAsked = false;
  const warmUp = async () => {
    if (run || warming || warmStepsOwed <= 0) return; // trained, warming, or warm enough
    warming = startWarmUp('auto', warmStepsOwed);
    const current = warming;
    // A backend that does not load is reported by the request that needs it, in its own words.
    const report = await current.done.catch(() => undefined);
    warmStepsOwed = report ? warmStepsOwed - report.steps : 0;
    if (report) options.onWarmUp?.(report);
    if (warming === current) warming = undefined;
  };

  const fail = (runId: number | null, error: EngineError) => emit({ type: 'train.onError', runId, error });

  const release = () => {
    run?.trainer.stop();
    run?.trainer.dispose();
    run = undefined;
  };

  const start = async (request: Request<'train.start'>) => {
    const { runId } = request;
    release();
    const ready = await prepareOnBackend(request);
    if (!ready.ok) return fail(runId, ready.error);
    const { design, analysis, data, weights, weightNotes, backend } = ready.value;
    const trainer = createTrainer({
      design,
      data,
      analysis,
      seed: request.seed,
      telemetryEvery: request.telemetryEvery,
      maxSteps: request.maxSteps,
      boundaryEvery: request.boundaryEvery ?? 0,
      boundaryMaxShare: BOUNDARY_TIME_SHARE,
      initialWeights: weights,
      interruptRequested: options.interruptRequested,
      onEvent: forward(runId, backend, emit, weightNotes),
    });
    run = { runId, trainer, design, analysis, seed: request.seed ?? design.training.seed };
    await trainer.start();
  };

  const exportInitial = async (request: Request<'export.initial'>) => {
    const ready = await prepare(request, ensureBackend);
    if (!ready.ok) return ready;
    const { design, analysis, weights } = ready.value;
    const seed = request.seed ?? design.training.seed;
    const network = buildNetwork(design, analysis, seed, { initialWeights: weights });
    try {
      const info = { designName: design.name, seed, trained: request.trained === true };
      return { ok: true as const, value: await exportAsFiles(network, request.format, info) };
    } finally {
      network.dispose();
    }
  };

  const previewInit = async (request: Request<'preview.init'>): Promise<EngineResult<InitPreview>> => {
    const ready = await prepare(request, ensureBackend);
    if (!ready.ok) return ready;
    // A design too large for the backend would abort WebAssembly in its first step, as a run would.
    const tooLarge = checkRunMemory(ready.value, currentBackend()!.name);
    if (tooLarge) return { ok: false, error: tooLarge };
    const { design, data, analysis, weights } = ready.value;
    const previewOptions = { design, data, analysis, seed: request.seed, initialWeights: weights };
    const preview = readsAsync() ? await previewAtInitAsync(previewOptions) : previewAtInit(previewOptions);
    return { ok: true, value: preview };
  };

  const trialTime = async (request: Request<'trial.time'>): Promise<EngineResult<DesignTiming>> => {
    const ready = await prepareOnBackend(request);
    if (!ready.ok) return ready;
    const { design, data, analysis, backend } = ready.value;
    // A software rasteriser is never faster than the CPU backends: not worth the seconds.
    if (backend.name === 'webgpu' && (await loadedAdapter())?.software) {
      const message = `software adapter (${backend.device ?? 'unknown'}): not a GPU worth timing`;
      return { ok: false, error: { type: 'backend', message } };
    }
    return { ok: true, value: { msPerStep: await timeSteps(design, data, analysis), backend } };
  };

  const exportRun = async (request: Request<'export.run'>) => {
    const held = run;
    if (!held || held.runId !== request.runId) {
      const message =
        'that run is no longer held by the engine (it keeps the last run only, and a restarted engine none): train again to export its weights';
      return { ok: false as const, error: { type: 'gone' as const, message } };
    }
    // A copy, read between two steps: the run may go on while the files are written.
    await readWeightsAhead(held.trainer.network);
    const weights = snapshotWeights(held.trainer.network);
    const network = buildNetwork(held.design, held.analysis, held.seed, { initialWeights: weights });
    try {
      const info = { designName: held.design.name, seed: held.seed, trained: true };
      return { ok: true as const, value: await exportAsFiles(network, request.format, info) };
    } finally {
      network.dispose();
    }
  };

  const handle = async (request: EngineRequest) => {
    if (request.type === 'engine.warmUp') {
      if (!run && !warmUpAsked) warmStepsOwed = WARM_UP_STEPS; // once per engine: a reloaded page's ask is not a second
      warmUpAsked = true;
      return warmUp();
    }
    await stopWarmUp();
    if (request.type === 'train.start') warmStepsOwed = 0;
    await handleNow(request);
    void warmUp(); // what a preview, export or import interrupted
  };

  const handleNow = async (request: Exclude<EngineRequest, { type: 'engine.warmUp' }>) => {
    switch (request.type) {
      case 'train.start':
        return start(request);
      case 'export.initial':
      case 'export.run': {
        const result =
          request.type === 'export.initial' ? await exportInitial(request) : await exportRun(request);
        return emit({ type: 'export.onResult', requestId: request.requestId, result });
      }
      case 'trial.time':
        return emit({
          type: 'trial.onResult',
          requestId: request.requestId,
          result: await trialTime(request),
        });
      case 'preview.init':
        return emit({
          type: 'preview.onResult',
          requestId: request.requestId,
          result: await previewInit(request),
        });
      case 'import.model': {
        await ensureBackend();
        const result = await importUploadedFiles(request.files);
        return emit({ type: 'import.onResult', requestId: request.requestId, result });
      }
    }
    if (!run || run.runId !== request.runId) return; // a stale run's control: nothing to do
    switch (request.type) {
      case 'train.pause':
        return run.trainer.pause();
      case 'train.resume':
        return run.trainer.resume();
      case 'train.step':
        return run.trainer.step();
      case 'train.stop':
        return run.trainer.stop();
    }
  };

  return {
    async handle(message) {
      const parsed = parseEngineRequest(message);
      if (!parsed.ok) return emit(refusal(message, parsed.error));
      try {
        await handle(parsed.value);
      } catch (error) {
        if (options.endsEngine?.(error)) return;
        emit(
          refusal(parsed.value, { type: 'internal', message: (error as Error)?.message ?? String(error) }),
        );
      }
    },
    dispose() {
      warming?.cancel();
      release();
    },
  };
}

/** A request's design, parsed with its data's shapes, on a backend, with its pretrained weights checked. */
interface Ready {
  design: Design;
  analysis: GraphAnalysis;
  data: LoadedData;
  weights?: WeightValues;
  /** Which pretrained weights start from the seed instead (they did not fit), for the user. */
  weightNotes: string[];
}

async function prepare(
  request: DesignRequest,
  startBackend: (run: PreparedRun) => Promise<void>,
): Promise<EngineResult<Ready>> {
  const { designText, seed, initialWeights: pretrained, dataFile } = request;
  const prepared = await prepareRun(designText, {
    designDir: request.designDir ?? null,
    csvBytes: dataFile?.bytes,
    seed,
  });
  if (!prepared.ok) return prepared;
  try {
    await startBackend(prepared.value);
  } catch (error) {
    return { ok: false, error: { type: 'backend', message: (error as Error).message } };
  }
  const { design, analysis, data } = prepared.value;
  if (!pretrained) return { ok: true, value: { design, analysis, data, weightNotes: [] } };
  // Fitted here, before anything is built: buildNetwork would fill a missing tensor in silently.
  const fit = pretrainedFromBytes(pretrained, design, analysis);
  if (!fit.ok) return fit;
  return {
    ok: true,
    value: { design, analysis, data, weights: fit.value.usable, weightNotes: fit.value.notes },
  };
}

/**
 * {@link prepare} on the backend the request asks for (a run's, or a trial's), refused with the
 * numbers when the design is past that backend's memory: there a step aborts WebAssembly
 * instead of failing.
 */
async function prepareOnBackend(
  request: Extract<EngineRequest, { type: 'train.start' | 'trial.time' }>,
): Promise<EngineResult<Ready & { backend: BackendChoice }>> {
  let backend: BackendChoice | undefined;
  const ready = await prepare(request, async (run) => {
    backend = await initBackendForRun(request.backend, run);
  });
  if (!ready.ok) return ready;
  const tooLarge = checkRunMemory(ready.value, backend!.name);
  if (tooLarge) return { ok: false, error: tooLarge };
  return { ok: true, value: { ...ready.value, backend: backend! } };
}

/** Export, import and the preview need tfjs ready; a run may not have chosen a backend yet. */
async function ensureBackend(): Promise<void> {
  if (!currentBackend()) await initBackend('auto');
}

/** The trainer's events, tagged with the run (and the start with what only the service knows). */
function forward(
  runId: number,
  backend: BackendChoice,
  emit: (event: EngineEvent) => void,
  notices: string[],
): (event: TrainerEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'train.onStarted':
        return emit({ ...event, runId, backend, notices });
      case 'train.onStep':
        // The stats are a view of the engine's read-back slab (backend/readback.ts), and a
        // structured clone (worker → main → renderer) copies a view's whole buffer: send a copy.
        return emit({ ...event, runId, stats: event.stats && event.stats.slice() });
      default:
        return emit({ ...event, runId });
    }
  };
}
