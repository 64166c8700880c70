/**
 * The training session: one engine client, the run being trained, the run
 * pinned for comparison, and the controls. Every telemetry record is stored
 * the moment it arrives (typed arrays), but the screen hears about it at most
 * ~20 times a second: `version` is bumped by a coalescing flush, run at the
 * start of an animation frame, and views redraw only what is new since their
 * last look. State changes flush at once. Events tagged with another run's id
 * are dropped (tensorflow/playground's timer generation counter).
 */
import type { Design } from '../../../../src-shared/design/types';
import { describeData } from '../../../../src-shared/design/datasets';
import { serializeDesign } from '../../../../src-shared/design/serialize';
import type {
  BackendReport,
  EngineRequest,
  FilePayload,
  TrainingState,
} from '../../../../src-shared/protocol';
import type { EngineClient, EngineClientEvent } from '../engine/client';
import { frameScheduler, type FrameScheduler } from './frame-scheduler';
import { RateMeter } from './rate-meter';
import { createThrottle } from './throttle';
import { RunTelemetry } from './run-telemetry';
import type { RunLibrary } from './runs.svelte';

export type SessionState = TrainingState | 'starting';

/** Coalescing period: 50 ms, about 20 screen updates a second. */
export const FLUSH_MS = 50;
/**
 * The flush waits for the first frame after FLUSH_MS minus this: frames come
 * every 16.7 ms, and waiting a full 50 ms before asking for one would land
 * on every fourth frame (15 updates a second) instead of every third.
 */
const FRAME_SLACK_MS = 8;
/** The period of `slowVersion`: five updates a second. */
export const SLOW_MS = 200;
/** Telemetry on every step: the heatmap gets a column per step. */
export const TELEMETRY_EVERY = 1;
const BOUNDARY_EVERY = 4;

export interface Progress {
  step: number;
  epoch: number;
  loss: number | null;
  accuracy: number | null;
  stepsPerSecond: number;
  secondsLeft: number | null;
}

export interface PinnedRun {
  run: RunTelemetry;
  label: string;
}

export interface EngineStatus {
  state: 'ok' | 'connecting' | 'down' | 'restarting';
  message?: string;
  /** Down, and the client is trying to reconnect by itself (browser mode, a lost server). */
  retrying?: boolean;
}

/** A run that ended because the engine was lost, for the messages that explain the stop. */
export interface InterruptedRun {
  /** Steps it had taken. */
  steps: number;
}

const NO_PROGRESS: Progress = {
  step: 0,
  epoch: 0,
  loss: null,
  accuracy: null,
  stepsPerSecond: 0,
  secondsLeft: null,
};

export interface SessionOptions {
  now?: () => number;
  /** Called in the frame after a flush: after the run ended, or at most once a second while it runs. */
  onanalyse?: (session: TrainingSession) => void;
  /** Where coalesced flushes run (default: the page's animation frames). */
  frames?: FrameScheduler;
  /** The Runs list: hears of every run as it starts and ends. */
  runs?: RunLibrary;
  /** The file the open design belongs to, recorded with each run. */
  designFile?: () => string | null;
  /** Its full path where main handed one out (desktop), where the run is kept beside it. */
  designPath?: () => string | null;
}

export class TrainingSession {
  state = $state<SessionState>('idle');
  /** Bumped by each flush; views read it to know there is something new. */
  version = $state(0);
  /**
   * Bumped after flushes, at most every SLOW_MS: for views that need not
   * follow every flush. The canvas's node tints read it: each change repaints
   * every node on the canvas, the costliest part of a flush for 100 layers.
   */
  slowVersion = $state(0);
  run = $state.raw<RunTelemetry | null>(null);
  pinned = $state.raw<PinnedRun | null>(null);
  /** The open document the current and pinned runs belong to (see {@link scope}). */
  documentId = -1;
  /** The design the current run trains (remedies apply to the editor's current one). */
  trainedDesign = $state.raw<Design | null>(null);
  backend = $state.raw<BackendReport | null>(null);
  progress = $state.raw<Progress>(NO_PROGRESS);
  error = $state<string | null>(null);
  diverged = $state.raw<{ step: number; layerId: string | null; message: string } | null>(null);
  engine = $state.raw<EngineStatus>({ state: 'ok' });
  /** A pause or stop sent and not yet confirmed by the engine. */
  pending = $state<'pause' | 'stop' | null>(null);
  /** Telemetry events a slow link made the server drop (browser mode); the heatmap has gaps then. */
  dropped = $state(0);
  /** Milliseconds from the last Pause/Stop click to the engine's confirmation. */
  lastControlMs = $state<number | null>(null);
  /** Set when losing the engine ended a run; cleared by the next Train or Reset weights. */
  interrupted = $state.raw<InterruptedRun | null>(null);
  /** What the engine said about the run as it started (pretrained weights that start from the seed). */
  notices = $state.raw<string[]>([]);

  readonly #client: EngineClient;
  readonly #now: () => number;
  readonly #onanalyse?: (session: TrainingSession) => void;
  readonly #frames: FrameScheduler;
  readonly #runs?: RunLibrary;
  readonly #designFile?: () => string | null;
  readonly #designPath?: () => string | null;
  readonly #flushJob = () => this.#flush();
  // The diagnosis (about 10 ms for 100 layers) gets a frame of its own, not the flush's.
  readonly #analyseJob = () => this.#onanalyse?.(this);
  readonly #slow: { request(): void; cancel(): void };
  readonly #meter = new RateMeter();
  readonly #unlisten: () => void;
  #runId = -1;
  #nextRunId = (Date.now() % 1_000_000) * 1000;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushQueued = false;
  #lastFlush = 0;
  #lastAnalysis = -Infinity;
  #pendingSince = 0;
  #latest: { step: number; epoch: number; loss: number; accuracy: number | null } | null = null;

  constructor(client: EngineClient, options: SessionOptions = {}) {
    this.#client = client;
    this.#now = options.now ?? (() => performance.now());
    this.#onanalyse = options.onanalyse;
    this.#frames = options.frames ?? frameScheduler;
    this.#runs = options.runs;
    this.#designFile = options.designFile;
    this.#designPath = options.designPath;
    this.#slow = createThrottle(SLOW_MS - FRAME_SLACK_MS, () => this.slowVersion++, this.#frames);
    this.#unlisten = client.listen((event) => this.#onEvent(event));
  }

  get active(): boolean {
    return this.state === 'starting' || this.state === 'running' || this.state === 'paused';
  }

  /**
   * Starts a fresh run of `design` (same seed → same initial weights and batch
   * order). `dataFile`: the CSV file the user picked for `data.path`.
   */
  train(design: Design, initialWeights?: Uint8Array, dataFile?: FilePayload): void {
    this.#leaveRun();
    const runId = this.#nextRunId++;
    const plane = describeData(design.data);
    const twoD =
      plane.task === 'classification' && plane.inputShape?.length === 1 && plane.inputShape[0] === 2;
    this.#runId = runId;
    const request: EngineRequest = {
      type: 'train.start',
      runId,
      designText: serializeDesign(design),
      designDir: null,
      backend: 'auto',
      telemetryEvery: TELEMETRY_EVERY,
      ...(twoD ? { boundaryEvery: BOUNDARY_EVERY } : {}),
      // Pretrained weights (File → Import): the run fine-tunes from them instead of the seeded ones.
      ...(initialWeights ? { initialWeights } : {}),
      ...(dataFile ? { dataFile } : {}),
    };
    this.trainedDesign = design;
    this.run = null;
    this.backend = null;
    this.error = null;
    this.diverged = null;
    this.pending = null;
    this.dropped = 0;
    this.interrupted = null;
    this.notices = [];
    this.progress = NO_PROGRESS;
    this.#latest = null;
    this.#meter.reset();
    this.state = 'starting';
    this.#client.send(request);
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.#control('pause');
  }

  resume(): void {
    if (this.state === 'paused') this.#send('train.resume');
  }

  step(): void {
    if (this.state === 'paused') this.#send('train.step');
  }

  stop(): void {
    if (this.active) this.#control('stop');
  }

  /** Discards the run: the next Train starts again from the seeded initial weights. */
  resetWeights(): void {
    this.#clear();
  }

  /**
   * The editor opened another document (`EditorState.documentId`): the runs
   * of the previous one stop being current. A run still going is stopped,
   * and its late events are dropped, so no heatmap, curve, diagnosis, node
   * tint, A/B label or trained weights of one design ever show as another's.
   */
  scope(documentId: number): void {
    if (documentId === this.documentId) return;
    this.documentId = documentId;
    this.pinned = null;
    this.trainedDesign = null;
    this.backend = null;
    this.dropped = 0;
    this.#clear();
  }

  /**
   * The design was just changed to compare with the current run (a remedy):
   * the run becomes A (unless one is pinned already), and B stays empty,
   * "not trained yet", until the next Train.
   */
  beginComparison(label: string): void {
    if (!this.pinned) this.pin(label);
    this.#clear();
  }

  #clear(): void {
    this.#leaveRun();
    this.#runId = -1;
    this.run = null;
    this.state = 'idle';
    this.diverged = null;
    this.error = null;
    this.pending = null;
    this.interrupted = null;
    this.notices = [];
    this.progress = NO_PROGRESS;
    this.#latest = null;
    this.version++;
    this.slowVersion++;
  }

  /** Keeps the current run for A/B comparison with the next one. */
  pin(label: string): void {
    if (this.run && this.run.count > 0) this.pinned = { run: this.run, label };
  }

  unpin(): void {
    this.pinned = null;
  }

  async restartEngine(): Promise<void> {
    this.engine = { state: 'restarting' };
    try {
      await this.#client.restart();
      this.engine = { state: 'ok' };
      this.error = null;
      // A fresh engine is as cold as the first one was: warm it while the user looks (App.svelte).
      this.#client.send({ type: 'engine.warmUp', requestId: 0 });
    } catch (error) {
      this.engine = {
        state: 'down',
        message: `The engine could not be restarted: ${(error as Error).message}`,
      };
    }
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#frames.cancel(this.#flushJob);
    this.#frames.cancel(this.#analyseJob);
    this.#slow.cancel();
    this.#unlisten();
    this.#client.dispose();
  }

  /** Stops the run still going (the Runs list keeps it as stopped); its later events are dropped. */
  #leaveRun(): void {
    if (!this.active) return;
    this.#send('train.stop');
    this.#runs?.ended(this.#runId, 'stopped');
  }

  #control(kind: 'pause' | 'stop'): void {
    this.pending = kind;
    this.#pendingSince = this.#now();
    this.#send(kind === 'pause' ? 'train.pause' : 'train.stop');
  }

  #send(type: 'train.pause' | 'train.resume' | 'train.step' | 'train.stop'): void {
    if (this.#runId >= 0) this.#client.send({ type, runId: this.#runId });
  }

  #onEvent(event: EngineClientEvent): void {
    switch (event.type) {
      case 'engine.onExit':
        return this.#engineDown(event.message);
      case 'engine.onConnection':
        if (event.state === 'closed')
          return this.#engineDown(event.message ?? 'the connection to the engine was lost');
        if (this.engine.state === 'restarting') return; // restartEngine() says how that ends
        if (event.state === 'open') this.engine = { state: 'ok' };
        // Retrying after a loss: keep saying what was lost instead of flickering to "Connecting…".
        else if (this.engine.state === 'down') this.engine = { ...this.engine, retrying: true };
        else this.engine = { state: 'connecting' };
        return;
      case 'engine.onTelemetryDropped':
        this.dropped += event.count;
        return;
      case 'train.onError':
        if (event.runId !== null && event.runId !== this.#runId) return;
        return this.#failed(event.error.message);
      case 'export.onResult':
      case 'import.onResult':
      case 'preview.onResult':
      case 'trial.onResult':
        return; // answers to File → Export / Import and the preview (lib/engine/calls.ts), not part of a run
    }
    if (event.runId !== this.#runId) return; // a stale run
    const run = this.run;
    switch (event.type) {
      case 'train.onStarted': {
        const expected = Math.ceil(event.totalSteps / TELEMETRY_EVERY);
        this.run = new RunTelemetry(
          event.runId,
          event.layers,
          event.totalSteps,
          event.stepsPerEpoch,
          event.dataPreview,
          expected,
        );
        this.backend = event.backend;
        this.notices = event.notices ?? [];
        if (this.trainedDesign)
          this.#runs?.started({
            engineRunId: event.runId,
            design: this.trainedDesign,
            designFile: this.#designFile?.() ?? null,
            designPath: this.#designPath?.() ?? null,
            documentId: this.documentId,
            telemetry: this.run,
            backend: event.backend,
          });
        return this.#flush();
      }
      case 'train.onStep':
        if (!run) return;
        run.pushStep(event);
        this.#meter.add(event.step + 1, this.#now());
        this.#latest = event;
        return this.#schedule();
      case 'train.onEpoch':
        run?.pushEpoch(event);
        return this.#schedule();
      case 'train.onBoundary':
        if (run) run.boundary = event;
        return this.#schedule();
      case 'train.onDiverged':
        this.diverged = { step: event.step, layerId: event.layerId, message: event.message };
        return this.#flush();
      case 'train.onState':
        if (
          (this.pending === 'pause' && event.state === 'paused') ||
          (this.pending === 'stop' && (event.state === 'stopped' || event.state === 'finished'))
        ) {
          this.lastControlMs = this.#now() - this.#pendingSince;
        }
        if (event.state !== 'running') this.pending = null;
        this.state = event.state;
        if (event.state === 'finished' || event.state === 'stopped' || event.state === 'diverged')
          this.#runs?.ended(event.runId, event.state);
        else if (event.state === 'paused' || event.state === 'running')
          this.#runs?.setPaused(event.runId, event.state === 'paused');
        return this.#flush();
    }
  }

  #failed(message: string): void {
    this.error = message;
    this.pending = null;
    if (this.active) this.#runs?.ended(this.#runId, 'stopped');
    if (this.active) this.state = this.run ? 'stopped' : 'idle';
    this.#flush();
  }

  #engineDown(message: string): void {
    if (this.active && this.run) this.interrupted = { steps: this.#latest ? this.#latest.step + 1 : 0 };
    // A failed retry closes again: it is still retrying.
    const retrying = this.engine.state === 'down' && this.engine.retrying === true;
    this.engine = { state: 'down', message, retrying };
    this.pending = null;
    if (this.active) this.#runs?.ended(this.#runId, 'stopped');
    if (this.active) this.state = this.run ? 'stopped' : 'idle';
    this.#flush();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#flushQueued) return;
    const wait = Math.max(0, FLUSH_MS - FRAME_SLACK_MS - (this.#now() - this.#lastFlush));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushQueued = true;
      this.#frames.request(this.#flushJob);
    }, wait);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#frames.cancel(this.#flushJob);
    this.#flushQueued = false;
    const now = this.#now();
    this.#lastFlush = now;
    const latest = this.#latest;
    const run = this.run;
    if (latest && run) {
      this.progress = {
        step: latest.step + 1,
        epoch: latest.epoch,
        loss: latest.loss,
        accuracy: latest.accuracy,
        stepsPerSecond: this.#meter.rate(),
        secondsLeft:
          this.state === 'running' ? this.#meter.secondsLeft(latest.step + 1, run.totalSteps) : null,
      };
    }
    this.version++;
    this.#slow.request();
    if (this.#onanalyse && run && (!this.active || now - this.#lastAnalysis > 1000)) {
      this.#lastAnalysis = now;
      this.#frames.request(this.#analyseJob);
    }
  }
}
