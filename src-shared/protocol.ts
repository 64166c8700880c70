/**
 * Every message that crosses a process boundary between the UI and the
 * engine: the requests a client sends, the events the engine streams back.
 * Electron IPC (through the preload), the engine's worker thread and the
 * browser mode's WebSocket all carry these same tagged unions.
 * Incoming messages are untrusted: {@link parseEngineRequest} checks one
 * before anything acts on it, and an unknown `type` is refused.
 */
import {
  bytesProblem,
  fileProblem,
  filesProblem,
  isWhole,
  MAX_UPLOAD_BYTES,
  type FilePayload,
} from './protocol-checks';
import type { EpochSummary, LayerInfo, PackedStep } from './telemetry';
import { MAX_WEIGHTS_BYTES } from './weights-file';

export type { FilePayload };

/** Channel prefix for Electron IPC: `backflow:train.start`, events `backflow:train.onStep`. */
export const CHANNEL_PREFIX = 'backflow:';
/** The one event channel from main to the page; the event's own `type` says what it is. */
export const ENGINE_EVENT_CHANNEL = `${CHANNEL_PREFIX}engine.onEvent`;

export type BackendPreference = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** Which backend a run got, and why better ones were not used. */
export interface BackendReport {
  name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  variant: string;
  /** The WebGPU adapter on `webgpu`, e.g. "nvidia ampere (…)". */
  device?: string;
  /** How `auto` chose for this design: "fastest for this design: wasm 3.1 ms/step against webgpu 12 ms". */
  why?: string;
  /** On wasm: the threads it computes on for this design (all cores, or one where that is faster). */
  threads?: number;
  attempts: { candidate: string; ok: boolean; reason?: string }[];
}

export type TrainingState = 'idle' | 'running' | 'paused' | 'stopped' | 'finished' | 'diverged';

/** The formats a user exports a design to: TensorFlow.js LayersModel, Keras 3 `.keras`, PyTorch module, ONNX. */
export const EXPORT_FORMATS = ['tfjs', 'keras', 'pytorch', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/**
 * What the engine's export requests take: the user's formats, and `weights`,
 * Backflow's own weights file (`weights.safetensors` keyed `nodeId/role`, as
 * `import` writes beside a design), which the app keeps with a finished run.
 */
export const ENGINE_EXPORT_FORMATS = [...EXPORT_FORMATS, 'weights'] as const;
export type EngineExportFormat = (typeof ENGINE_EXPORT_FORMATS)[number];

/** Requests a client sends to the engine. `runId` is chosen by the client and tags every event of the run. */
export type EngineRequest =
  | {
      type: 'train.start';
      runId: number;
      /** The design as file text: re-parsed and validated by the engine, never trusted. */
      designText: string;
      /**
       * Folder CSV paths are resolved against (and confined to); null for a design without a file.
       * Only Electron's main fills it, from the document it has open; the page's value is replaced.
       */
      designDir: string | null;
      /**
       * The CSV file `data.path` names, picked by the user: its bytes are read instead of the
       * path (browser mode, where the server never reads a path a page names).
       */
      dataFile?: FilePayload;
      backend: BackendPreference;
      /** Telemetry every K steps; 0 disables it. */
      telemetryEvery: number;
      seed?: number;
      maxSteps?: number;
      /** 2-D classification data: send the decision boundary every K steps (0 or absent: never). */
      boundaryEvery?: number;
      /**
       * Pretrained weights to start from instead of the seeded initializers:
       * safetensors bytes keyed `nodeId/role` (what an import returned). They
       * must fit the design exactly, or the run fails with a `weights` error.
       */
      initialWeights?: Uint8Array;
    }
  | { type: 'train.pause'; runId: number }
  | { type: 'train.resume'; runId: number }
  | { type: 'train.step'; runId: number }
  | { type: 'train.stop'; runId: number }
  /**
   * Export a design with the weights a run of it starts from: `initialWeights`
   * (pretrained) when given, else the ones `seed` draws. Answered by `export.onResult`.
   */
  | {
      type: 'export.initial';
      requestId: number;
      designText: string;
      format: EngineExportFormat;
      seed?: number;
      initialWeights?: Uint8Array;
      /** As in `train.start`: the output layer's width depends on the data (a CSV's classes). */
      designDir?: string | null;
      dataFile?: FilePayload;
      /**
       * True when `initialWeights` are a run's trained weights: the export says so. Electron's
       * main exports a run trained on the GPU page this way (main/engine-router.ts).
       */
      trained?: boolean;
    }
  /**
   * Export the weights of run `runId` as they are now (trained, or mid-run).
   * The engine keeps the last run after it ends for this; an older one is gone.
   */
  | { type: 'export.run'; requestId: number; runId: number; format: EngineExportFormat }
  /**
   * Import a model from uploaded files: a TensorFlow.js model.json with its
   * weight files, a Keras 3 `.keras` or Keras 2 `.h5` file, an `.onnx` file, an
   * export's `.zip` as the browser downloads it, or an older Keras JSON with
   * `weights.safetensors`. Answered by `import.onResult`.
   */
  | { type: 'import.model'; requestId: number; files: FilePayload[] }
  /**
   * The gradient at initialisation: one forward and backward pass at the weights a
   * run of the design starts from (`initialWeights`, else the ones `seed` draws), on
   * the batch its step 0 trains, with step 0's telemetry. Answered by `preview.onResult`.
   */
  | {
      type: 'preview.init';
      requestId: number;
      designText: string;
      seed?: number;
      initialWeights?: Uint8Array;
      /** As in `train.start`. */
      designDir?: string | null;
      dataFile?: FilePayload;
    }
  /**
   * Time a few training steps of the design on `backend` (after one that compiles kernels or
   * shaders), telemetry every step as the app trains. Electron's main uses it to choose, for
   * `auto`, between the worker's CPU backend and Chromium's GPU (main/engine-router.ts); a
   * software WebGPU adapter is refused, not timed. Answered by `trial.onResult`.
   */
  | {
      type: 'trial.time';
      requestId: number;
      designText: string;
      backend: BackendPreference;
      /** As in `train.start`: the trial trains what the run would. */
      seed?: number;
      initialWeights?: Uint8Array;
      designDir?: string | null;
      dataFile?: FilePayload;
    }
  /**
   * Warm the engine up (send it once when the app opens): the backend loads and a small
   * throwaway network trains for about a second of CPU, so the first real run is as fast as
   * later ones. Nothing answers it; any other request cancels it at once.
   */
  | { type: 'engine.warmUp'; requestId: number };

export type EngineRequestType = EngineRequest['type'];

/** Why a request or a run failed, as data the UI switches over. */
export interface EngineError {
  /**
   * `weights`: pretrained weights that cannot be read or do not fit the design;
   * `model`: an imported model that cannot become a design; `gone`: a run the
   * engine no longer holds; `busy`: the engine server already runs as many
   * engines as it allows (browser mode), the message says what to do.
   */
  type:
    | 'badRequest'
    | 'busy'
    | 'file'
    | 'design'
    | 'graph'
    | 'data'
    | 'backend'
    | 'weights'
    | 'model'
    | 'gone'
    | 'internal';
  message: string;
}

/**
 * The requests that carry a design whose CSV path is resolved against a folder:
 * the page's `designDir` is replaced by the host (main: the open document's
 * folder; the server: none) before the engine sees them.
 */
export type DesignRequest = Extract<EngineRequest, { designDir?: string | null }>;

/** True for a {@link DesignRequest}. */
export function carriesDesign(request: EngineRequest): request is DesignRequest {
  return (
    request.type === 'train.start' ||
    request.type === 'export.initial' ||
    request.type === 'preview.init' ||
    request.type === 'trial.time'
  );
}

/** A request's answer as data (conventions 5). */
export type EngineResult<T> = { ok: true; value: T } | { ok: false; error: EngineError };

/** The files of an export, by value, for the page to download or main to write. */
export interface ExportedModel {
  format: EngineExportFormat;
  designName: string;
  /** True when the weights are a run's, not the initial ones. */
  trained: boolean;
  files: FilePayload[];
}

/** An imported model, ready to open as a new design. */
export interface ImportedDesign {
  /** The design as file text (serializeDesign). */
  designText: string;
  /** Its weights as safetensors bytes keyed `nodeId/role`; null for a topology without weights. */
  weights: Uint8Array | null;
  /** How many tensors `weights` holds. */
  tensorCount: number;
  /** The uploaded file the model was read from (`model.json`). */
  modelFile: string;
  /** What the user should know: a guessed data set, files that were not used. */
  warnings: string[];
}

/**
 * Step 0 of a run, computed without starting one: the loss and every layer's
 * statistics (the packed telemetry layout) at the initial weights on the first
 * batch. Equal to the first `train.onStep` of a run with the same design, seed
 * and data, so it unpacks with `stepRecord(preview, preview.layers)`.
 */
export interface InitPreview extends PackedStep {
  stats: Float32Array;
  /** The layers `stats` describes, in order (as `train.onStarted` lists them). */
  layers: LayerInfo[];
  /** The seed the weights and the batch were drawn with. */
  seed: number;
  /** Examples in the batch (the design's batch size, or all the data when it has fewer). */
  batchSize: number;
}

/** Events the engine streams back. */
export type EngineEvent =
  | {
      type: 'train.onStarted';
      runId: number;
      backend: BackendReport;
      layers: LayerInfo[];
      totalSteps: number;
      stepsPerEpoch: number;
      /** For 2-D data: up to 600 training points (standardized coordinates) to draw under the boundary. */
      dataPreview: DataPreview | null;
      /** Things the user should know about this run, e.g. pretrained weights that start from the seed. */
      notices?: string[];
    }
  | ({ type: 'train.onStep'; runId: number } & PackedStep)
  | ({ type: 'train.onEpoch'; runId: number } & EpochSummary)
  | { type: 'train.onState'; runId: number; state: TrainingState }
  | ({ type: 'train.onBoundary'; runId: number } & DecisionBoundary)
  | {
      type: 'train.onDiverged';
      runId: number;
      step: number;
      epoch: number;
      layerId: string | null;
      message: string;
    }
  | { type: 'train.onError'; runId: number | null; error: EngineError }
  | { type: 'export.onResult'; requestId: number; result: EngineResult<ExportedModel> }
  | { type: 'import.onResult'; requestId: number; result: EngineResult<ImportedDesign> }
  | { type: 'preview.onResult'; requestId: number; result: EngineResult<InitPreview> }
  | { type: 'trial.onResult'; requestId: number; result: EngineResult<DesignTiming> };

/** A `trial.time`'s answer: what a step of the design costs on the backend it ran on. */
export interface DesignTiming {
  /** Median milliseconds per step. */
  msPerStep: number;
  backend: BackendReport;
}

/** Events that belong to one run (tagged with its id). */
export type RunEvent = Extract<EngineEvent, { runId: number }>;

/**
 * A run's event without its run tag: what the trainer emits, and what the
 * engine service forwards with a spread (`{ ...event, runId }`).
 */
export type UntaggedRunEvent = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'runId'>
    : never
  : never;

/** A sample of 2-D training points: x is n × 2, labels are class indices. */
export interface DataPreview {
  x: Float32Array;
  labels: Int32Array;
  classes: number;
}

/**
 * The model's class probabilities on a regular grid over the data's range,
 * for 2-D data sets (TensorFlow Playground's background), sent every few steps.
 */
export interface DecisionBoundary {
  step: number;
  /** Grid points per side. */
  resolution: number;
  xRange: [number, number];
  yRange: [number, number];
  classes: number;
  /** resolution² × classes, rows from yRange[0] upward, columns from xRange[0]. */
  probabilities: Float32Array;
}

const BACKENDS: readonly BackendPreference[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
/** Larger than any design the parser accepts, so the parser gives the precise message. */
const MAX_DESIGN_TEXT = 21 * 1024 * 1024;
const MAX_PATH = 4096;

/** The fields each request type may have; the first after `type` is its id. */
const FIELDS: Record<EngineRequestType, readonly string[]> = {
  'train.start': [
    'type',
    'runId',
    'designText',
    'designDir',
    'backend',
    'telemetryEvery',
    'seed',
    'maxSteps',
    'boundaryEvery',
    'initialWeights',
    'dataFile',
  ],
  'train.pause': ['type', 'runId'],
  'train.resume': ['type', 'runId'],
  'train.step': ['type', 'runId'],
  'train.stop': ['type', 'runId'],
  'export.initial': [
    'type',
    'requestId',
    'designText',
    'format',
    'seed',
    'initialWeights',
    'designDir',
    'dataFile',
    'trained',
  ],
  'export.run': ['type', 'requestId', 'runId', 'format'],
  'import.model': ['type', 'requestId', 'files'],
  'preview.init': ['type', 'requestId', 'designText', 'seed', 'initialWeights', 'designDir', 'dataFile'],
  'trial.time': [
    'type',
    'requestId',
    'designText',
    'backend',
    'seed',
    'initialWeights',
    'designDir',
    'dataFile',
  ],
  'engine.warmUp': ['type', 'requestId'],
};

/** Every request type, each an IPC channel `backflow:<type>` in Electron (preload and main agree on these). */
export const ENGINE_REQUEST_TYPES = Object.keys(FIELDS) as readonly EngineRequestType[];

/**
 * Checks an untrusted message and returns it typed, or an error naming the
 * first problem. Extra keys are refused, like unknown design parameters
 * (which also refuses `__proto__` and friends).
 */
export function parseEngineRequest(
  raw: unknown,
): { ok: true; value: EngineRequest } | { ok: false; error: EngineError } {
  const bad = (message: string) => ({ ok: false as const, error: { type: 'badRequest' as const, message } });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return bad('a request must be an object');
  const record = raw as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) {
    return bad(`unknown request type ${JSON.stringify(String(type).slice(0, 40))}`);
  }
  const fields = FIELDS[type as EngineRequestType];
  for (const key of Object.keys(record)) {
    if (!fields.includes(key)) return bad(`${type}: unexpected field "${key.slice(0, 40)}"`);
  }
  const idField = fields[1];
  if (!isWhole(record[idField], 0, Number.MAX_SAFE_INTEGER))
    return bad(`${type}: ${idField} must be a whole number`);
  const problem = CHECKS[type as EngineRequestType].reduce<string | null>(
    (found, check) => found ?? check(record),
    null,
  );
  return problem ? bad(`${type}: ${problem}`) : { ok: true, value: record as EngineRequest };
}

type Check = (record: Record<string, unknown>) => string | null;

/** Checks one field: `ok` says whether its value is acceptable, `message` what it must be. */
const field =
  (name: string, ok: (value: unknown) => boolean, message: string, optional = false): Check =>
  (r) =>
    (optional && r[name] === undefined) || ok(r[name]) ? null : message;

const backend = field(
  'backend',
  (v) => BACKENDS.includes(v as BackendPreference),
  `backend must be one of ${BACKENDS.join(', ')}`,
);

const designText = field(
  'designText',
  (v) => typeof v === 'string' && v.length <= MAX_DESIGN_TEXT,
  'designText must be the design file text',
);
const seed = field(
  'seed',
  (v) => isWhole(v, 0, 2 ** 32 - 1),
  'seed must be a whole number from 0 to 2^32 − 1',
  true,
);
const format = field(
  'format',
  (v) => (ENGINE_EXPORT_FORMATS as readonly unknown[]).includes(v),
  `format must be one of ${ENGINE_EXPORT_FORMATS.join(', ')}`,
);
/** The largest CSV file the engine reads (its data loader's own limit, src-main/engine/data/csvFile.ts). */
export const MAX_DATA_FILE_BYTES = 50 * 1024 * 1024;
const designDir = (optional: boolean) =>
  field(
    'designDir',
    (v) => v === null || (typeof v === 'string' && v.length <= MAX_PATH && !v.includes('\0')),
    'designDir must be a folder path or null',
    optional,
  );
const dataFile: Check = (r) =>
  r.dataFile === undefined ? null : fileProblem(r.dataFile, MAX_DATA_FILE_BYTES);
const initialWeights: Check = (r) =>
  r.initialWeights === undefined ? null : bytesProblem(r.initialWeights, 'initialWeights', MAX_WEIGHTS_BYTES);

/** Per-type checks after the id, in order; the first problem is reported. */
const CHECKS: Record<EngineRequestType, readonly Check[]> = {
  'train.start': [
    designText,
    designDir(false),
    backend,
    field('telemetryEvery', (v) => isWhole(v, 0, 1_000_000), 'telemetryEvery must be a whole number from 0'),
    seed,
    field('maxSteps', (v) => isWhole(v, 1, 100_000_000), 'maxSteps must be a whole number from 1', true),
    field(
      'boundaryEvery',
      (v) => isWhole(v, 0, 1_000_000),
      'boundaryEvery must be a whole number from 0',
      true,
    ),
    initialWeights,
    dataFile,
  ],
  'train.pause': [],
  'train.resume': [],
  'train.step': [],
  'train.stop': [],
  'export.initial': [
    designText,
    format,
    seed,
    initialWeights,
    designDir(true),
    dataFile,
    field('trained', (v) => typeof v === 'boolean', 'trained must be true or false', true),
  ],
  'export.run': [
    field('runId', (v) => isWhole(v, 0, Number.MAX_SAFE_INTEGER), 'runId must be a whole number'),
    format,
  ],
  'import.model': [(r) => filesProblem(r.files)],
  'preview.init': [designText, seed, initialWeights, designDir(true), dataFile],
  'trial.time': [designText, backend, seed, initialWeights, designDir(true), dataFile],
  'engine.warmUp': [],
};

/**
 * The event that answers a request refused before it reached the engine: a
 * `*.onResult` failure for an export, import or preview with a usable requestId (so
 * the page waiting for it hears back), else `train.onError`.
 */
export function refusal(raw: unknown, error: EngineError): EngineEvent {
  const record = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const type = typeof record.type === 'string' ? record.type : '';
  const requestId = isWhole(record.requestId, 0, Number.MAX_SAFE_INTEGER) ? record.requestId : null;
  const result = { ok: false as const, error };
  if (requestId !== null && type.startsWith('export.')) return { type: 'export.onResult', requestId, result };
  if (requestId !== null && type === 'import.model') return { type: 'import.onResult', requestId, result };
  if (requestId !== null && type === 'preview.init') return { type: 'preview.onResult', requestId, result };
  if (requestId !== null && type === 'trial.time') return { type: 'trial.onResult', requestId, result };
  return { type: 'train.onError', runId: typeof record.runId === 'number' ? record.runId : null, error };
}

/**
 * Largest request sent as JSON text over the browser mode's WebSocket (a
 * design and its run settings): designs are small, and a larger text frame
 * closes the connection (code 1009) before it is parsed.
 */
export const MAX_TEXT_REQUEST_BYTES = 4 * 1024 * 1024;

/** Largest JSON header of a binary request: the same request with its bytes moved out of it. */
export const MAX_REQUEST_HEADER_BYTES = MAX_TEXT_REQUEST_BYTES;

/**
 * Largest binary request: its header and the bytes it carries (an import's
 * files, or a run's pretrained weights with its CSV data file), with room
 * for the arrays' alignment. `ws` counts a frame against it as it arrives
 * and closes the connection (1009) once past it, so no more is buffered.
 */
export const MAX_BINARY_REQUEST_BYTES =
  MAX_REQUEST_HEADER_BYTES + Math.max(MAX_WEIGHTS_BYTES + MAX_DATA_FILE_BYTES, MAX_UPLOAD_BYTES) + 64 * 1024;
