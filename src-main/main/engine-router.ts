/**
 * Which engine a checked request goes to, in the desktop app. The engine
 * worker (Node) serves everything; the GPU page (engine/browser/, Chromium's
 * own WebGPU in a hidden window) serves the runs that train on the GPU: Dawn,
 * the Node engine's WebGPU, may not run inside Electron (its mapped buffers
 * trip the V8 memory cage), and every Electron renderer has a WebGPU of its own.
 *
 * - A `train.start` for `webgpu` goes to the GPU page; for `auto`, see below;
 *   any other to the worker. One run trains at a time, as in one engine:
 *   starting on one engine stops the other's run (which stays held, for its export).
 * - A run's pause, resume, step and stop go where it trains.
 * - Exporting a GPU run: the page gives its weights file; a format other than
 *   `weights` is then made by the worker from the run's design, seed, data and
 *   those weights (`export.initial` with `trained`), since writing files is Node's.
 * - If the GPU page ends, its run fails with the reason and pending exports are
 *   answered; the worker and its requests are not touched.
 * - `auto` (what the app asks for) chooses between the two per design
 *   (engine-auto.ts): without a hardware GPU every run stays in the worker, and
 *   the GPU page, started when the app opens to ask, is closed again. While a
 *   design is being timed its run's controls wait; a stop ends it unstarted.
 */
import type { EngineHostEvent } from '../../src-shared/bridge';
import type {
  DesignTiming,
  EngineError,
  EngineEvent,
  EngineRequest,
  EngineResult,
  ExportedModel,
} from '../../src-shared/protocol';
import type { GpuAdapterReport } from '../engine/browser/host-messages';
import type { EngineHost } from '../engine/worker/host';
import {
  createEngineAuto,
  usableGpu,
  withChoice,
  type EngineAuto,
  type EngineChoice,
  type TrialRequest,
} from './engine-auto';
import { withCsvBytes } from './gpu-run-data';

type Request<T extends EngineRequest['type']> = Extract<EngineRequest, { type: T }>;
type Control = Request<'train.pause' | 'train.resume' | 'train.step' | 'train.stop'>;

export interface EngineRouterOptions {
  /** Starts the Node engine (the worker thread). */
  startWorker(): EngineHost;
  /** Starts the GPU page; absent where there is none (tests of the worker alone). */
  startGpuPage?: () => GpuEngineHost;
  /** Why the GPU page need not even be started (Chromium has no GPU: gpu-feature.ts), if so. */
  noGpu?: () => string | undefined;
  /** Where every event for the page goes. */
  emit(event: EngineHostEvent): void;
}

export interface EngineRouter {
  send(request: EngineRequest): void;
  dispose(): Promise<void>;
}

/** The GPU page's host: an engine that also says what WebGPU adapter it has. */
export interface GpuEngineHost extends EngineHost {
  adapter(): Promise<GpuAdapterReport>;
}

/**
 * The router's own requests (exports and trials) are numbered from here: the page numbers
 * its requests from 1, and the answers to both come back on the same event stream.
 */
const OWN_REQUEST_IDS = 2 ** 50;

/** An export of a GPU run on its way: the page's weights first, then maybe the worker. */
interface GpuExport {
  request: Request<'export.run'>;
  start: Request<'train.start'>;
}

export function createEngineRouter(options: EngineRouterOptions): EngineRouter {
  let worker: EngineHost | undefined;
  let gpuPage: GpuEngineHost | undefined;
  /** The last run started on each engine (each holds its last run for export). */
  let workerRunId: number | undefined;
  let gpuRun: Request<'train.start'> | undefined;
  /** Whether the GPU run is still training (or paused), as opposed to ended and only held. */
  let gpuRunLive = false;
  /** The router's own export requests to the GPU page, by its request id. */
  const gpuExports = new Map<number, GpuExport>();
  let nextOwnId = OWN_REQUEST_IDS;
  /** The router's `trial.time` requests waiting for their answer, on each engine. */
  const trials = { worker: new Map<number, Answer>(), gpu: new Map<number, Answer>() };
  /** How `auto` chose for the last run it started, for that run's report. */
  let chosen: { runId: number; choice: EngineChoice } | undefined;
  /** A run's start as the page hears it: with how `auto` chose, for the run it chose for. */
  const reported = (event: EngineEvent): EngineEvent =>
    event.type === 'train.onStarted' && chosen?.runId === event.runId
      ? { ...event, backend: withChoice(event.backend, chosen.choice) }
      : event;
  /** A run `auto` is still choosing an engine for, and the controls that came meanwhile. */
  let choosing: { request: Request<'train.start'>; controls: Control[]; stopped: boolean } | undefined;
  /**
   * What goes to the GPU page goes in order through this chain: a run's start may first wait
   * for main to read its CSV file, and its pause or stop must not overtake it.
   */
  let toGpuPage: Promise<void> = Promise.resolve();
  const sendToGpuPage = (request: EngineRequest | (() => Promise<EngineRequest | undefined>)) => {
    const page = ensureGpuPage();
    toGpuPage = toGpuPage
      .then(async () => {
        const ready = typeof request === 'function' ? await request() : request;
        if (ready && page === gpuPage) page.send(ready);
      })
      .catch(() => undefined); // a page that ended meanwhile has said so (gpuPageEnded)
  };

  const ensureWorker = () => {
    if (worker) return worker;
    const started = options.startWorker();
    started.onEvent((event) => {
      if (event.type === 'trial.onResult' && trials.worker.has(event.requestId)) {
        return settleTrial(trials.worker, event.requestId, event.result);
      }
      if (event.type === 'engine.onExit') {
        worker = undefined;
        workerRunId = undefined;
        settleAllTrials(trials.worker, event.message);
        // The page hears "the engine stopped" and ends the run it shows: end it for real.
        if (gpuRun && gpuRunLive && gpuPage) sendToGpuPage({ type: 'train.stop', runId: gpuRun.runId });
        return options.emit(event);
      }
      options.emit(reported(event));
    });
    worker = started;
    return started;
  };

  const ensureGpuPage = () => {
    if (gpuPage) return gpuPage;
    const started = options.startGpuPage!();
    started.onEvent((event) =>
      event.type === 'engine.onExit' ? gpuPageEnded(event.message) : fromGpu(event),
    );
    gpuPage = started;
    return started;
  };

  const fromGpu = (event: EngineEvent) => {
    if ('runId' in event && event.runId === gpuRun?.runId && ended(event)) gpuRunLive = false;
    if (event.type === 'trial.onResult' && trials.gpu.has(event.requestId)) {
      return settleTrial(trials.gpu, event.requestId, event.result);
    }
    if (event.type !== 'export.onResult' || !gpuExports.has(event.requestId))
      return options.emit(reported(event));
    const pending = gpuExports.get(event.requestId)!;
    gpuExports.delete(event.requestId);
    const { request, start } = pending;
    const answer = (result: typeof event.result) =>
      options.emit({ type: 'export.onResult', requestId: request.requestId, result });
    if (!event.result.ok || request.format === 'weights') return answer(event.result);
    const weights = weightsIn(event.result.value);
    if (!weights) return answer(failure('internal', 'the GPU engine sent no weights file'));
    ensureWorker().send({
      type: 'export.initial',
      requestId: request.requestId,
      designText: start.designText,
      format: request.format,
      ...(start.seed === undefined ? {} : { seed: start.seed }),
      initialWeights: weights,
      designDir: start.designDir,
      ...(start.dataFile ? { dataFile: start.dataFile } : {}),
      trained: true,
    });
  };

  const gpuPageEnded = (message: string) => {
    gpuPage = undefined;
    if (gpuRun && gpuRunLive) {
      options.emit({ type: 'train.onError', runId: gpuRun.runId, error: { type: 'backend', message } });
    }
    gpuRun = undefined; // its weights went with the page
    gpuRunLive = false;
    for (const { request } of gpuExports.values()) {
      options.emit({
        type: 'export.onResult',
        requestId: request.requestId,
        result: failure('backend', message),
      });
    }
    gpuExports.clear();
    settleAllTrials(trials.gpu, message);
  };

  /** Times a design on one engine with the router's own `trial.time`. */
  const timeOn = (engine: 'worker' | 'gpu', trial: TrialRequest) =>
    new Promise<EngineResult<DesignTiming>>((resolve) => {
      const requestId = nextOwnId++;
      trials[engine].set(requestId, resolve);
      if (engine === 'worker') return ensureWorker().send({ ...trial, requestId });
      sendToGpuPage(async () => {
        const prepared = await withCsvBytes({ ...trial, requestId });
        if (prepared.ok) return prepared.request;
        settleTrial(trials.gpu, requestId, { ok: false, error: prepared.error });
        return undefined;
      });
    });

  const auto: EngineAuto | undefined = options.startGpuPage
    ? createEngineAuto({
        adapter: () => {
          const absent = options.noGpu?.();
          if (absent) return Promise.resolve({ ok: false, reason: absent });
          return ensureGpuPage().adapter().then(closeWithoutGpu);
        },
        timeOnWorker: (trial) => timeOn('worker', trial),
        timeOnGpu: (trial) => timeOn('gpu', trial),
      })
    : undefined;

  /** A page without a GPU worth timing is closed: it would hold a renderer process for nothing. */
  const closeWithoutGpu = (report: GpuAdapterReport): GpuAdapterReport => {
    if (!usableGpu(report) && gpuPage && !gpuRun) {
      void gpuPage.terminate();
      gpuPage = undefined;
    }
    return report;
  };

  const startAuto = (request: Request<'train.start'>) => {
    stopOtherRuns(undefined);
    const pending = { request, controls: [] as Control[], stopped: false };
    choosing = pending;
    void auto!.choose(request).then((choice) => {
      if (choosing !== pending) return; // a later start came first: this run never starts
      choosing = undefined;
      if (pending.stopped)
        return options.emit({ type: 'train.onState', runId: request.runId, state: 'stopped' });
      chosen = { runId: request.runId, choice };
      if (choice.engine === 'gpu') startOnGpu({ ...request, backend: 'webgpu' });
      else startOnWorker(request);
      pending.controls.forEach(control);
    });
  };

  const onGpu = (runId: number) => gpuRun?.runId === runId && gpuPage !== undefined;

  /** Stops the runs that train now on either engine but `keep` (they stay held for export). */
  const stopOtherRuns = (keep: 'worker' | 'gpu' | undefined) => {
    choosing = undefined;
    if (keep !== 'worker' && workerRunId !== undefined)
      worker?.send({ type: 'train.stop', runId: workerRunId });
    if (keep !== 'worker') workerRunId = undefined;
    if (keep !== 'gpu' && gpuRun && gpuRunLive && gpuPage)
      sendToGpuPage({ type: 'train.stop', runId: gpuRun.runId });
  };

  const start = (request: Request<'train.start'>) => {
    if (request.backend === 'auto' && auto) return startAuto(request);
    if (request.backend === 'webgpu' && options.startGpuPage) return startOnGpu(request);
    startOnWorker(request);
  };

  const startOnWorker = (request: Request<'train.start'>) => {
    stopOtherRuns('worker');
    workerRunId = request.runId;
    ensureWorker().send(request);
  };

  const startOnGpu = (request: Request<'train.start'>) => {
    stopOtherRuns('gpu');
    gpuRun = request;
    gpuRunLive = true;
    sendToGpuPage(async () => {
      const prepared = await withCsvBytes(request);
      if (prepared.ok) {
        if (gpuRun === request) gpuRun = prepared.request; // its exports need the same data
        return prepared.request;
      }
      if (gpuRun === request) gpuRunLive = false;
      options.emit({ type: 'train.onError', runId: request.runId, error: prepared.error });
      return undefined;
    });
  };

  const control = (request: Control) => {
    if (choosing?.request.runId === request.runId) {
      if (request.type === 'train.stop') choosing.stopped = true;
      else choosing.controls.push(request);
      return;
    }
    return onGpu(request.runId) ? sendToGpuPage(request) : ensureWorker().send(request);
  };

  return {
    send(request) {
      switch (request.type) {
        case 'train.start':
          return start(request);
        case 'train.pause':
        case 'train.resume':
        case 'train.step':
        case 'train.stop':
          return control(request);
        case 'export.run': {
          if (!onGpu(request.runId)) return ensureWorker().send(request);
          const requestId = nextOwnId++;
          gpuExports.set(requestId, { request, start: gpuRun! });
          return sendToGpuPage({ type: 'export.run', requestId, runId: request.runId, format: 'weights' });
        }
        case 'engine.warmUp':
          // Asked once, when the app opens, so the first run does not wait for the page to start.
          void auto?.probe();
          return ensureWorker().send(request);
        default:
          return ensureWorker().send(request);
      }
    },
    async dispose() {
      await Promise.all([worker?.terminate(), gpuPage?.terminate()]);
      worker = undefined;
      gpuPage = undefined;
    },
  };
}

type Answer = (result: EngineResult<DesignTiming>) => void;

function settleTrial(waiting: Map<number, Answer>, requestId: number, result: EngineResult<DesignTiming>) {
  const resolve = waiting.get(requestId);
  waiting.delete(requestId);
  resolve?.(result);
}

function settleAllTrials(waiting: Map<number, Answer>, message: string) {
  for (const requestId of [...waiting.keys()]) settleTrial(waiting, requestId, failure('backend', message));
}

/** Whether a run's event says it has stopped training. */
function ended(event: EngineEvent): boolean {
  if (event.type === 'train.onState') return event.state !== 'running' && event.state !== 'paused';
  return event.type === 'train.onError' || event.type === 'train.onDiverged';
}

function failure(type: EngineError['type'], message: string) {
  return { ok: false as const, error: { type, message } };
}

/** The bytes of a `weights` export. */
function weightsIn(model: ExportedModel): Uint8Array | undefined {
  return model.files.find((file) => file.name.endsWith('.safetensors'))?.bytes;
}
