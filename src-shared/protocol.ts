/**
 * Every message that crosses a process boundary between the UI and the
 * engine: the requests a client sends, the events the engine streams back.
 * Electron IPC (through the preload), the engine's worker thread and the
 * browser mode's WebSocket all carry these same tagged unions.
 * Incoming messages are untrusted: {@link parseEngineRequest} checks one
 * before anything acts on it, and an unknown `type` is refused.
 */
import type { LayerInfo, PackedStep } from './telemetry';

/** Channel prefix for Electron IPC: `backflow:train.start`, events `backflow:train.onStep`. */
export const CHANNEL_PREFIX = 'backflow:';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Which backend a run got, and why better ones were not used. */
export interface BackendReport {
  name: 'tensorflow' | 'wasm' | 'cpu';
  variant: string;
  attempts: { candidate: string; ok: boolean; reason?: string }[];
}

export type TrainingState = 'idle' | 'running' | 'paused' | 'stopped' | 'finished' | 'diverged';

/** Requests a client sends to the engine. `runId` is chosen by the client and tags every event of the run. */
export type EngineRequest =
  | {
      type: 'train.start';
      runId: number;
      /** The design as file text: re-parsed and validated by the engine, never trusted. */
      designText: string;
      /** Folder CSV paths are resolved against (and confined to); null for a design without a file. */
      designDir: string | null;
      backend: BackendPreference;
      /** Telemetry every K steps; 0 disables it. */
      telemetryEvery: number;
      seed?: number;
      maxSteps?: number;
      /** 2-D classification data: send the decision boundary every K steps (0 or absent: never). */
      boundaryEvery?: number;
    }
  | { type: 'train.pause'; runId: number }
  | { type: 'train.resume'; runId: number }
  | { type: 'train.step'; runId: number }
  | { type: 'train.stop'; runId: number };

export type EngineRequestType = EngineRequest['type'];

/** Why a request or a run failed, as data the UI switches over. */
export interface EngineError {
  type: 'badRequest' | 'file' | 'design' | 'graph' | 'data' | 'backend' | 'internal';
  message: string;
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
    }
  | {
      type: 'train.onStep';
      runId: number;
      step: number;
      epoch: number;
      loss: number;
      accuracy: number | null;
      packed: PackedStep | null;
    }
  | {
      type: 'train.onEpoch';
      runId: number;
      epoch: number;
      step: number;
      loss: number;
      accuracy: number | null;
      validationLoss: number | null;
      validationAccuracy: number | null;
    }
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
  | { type: 'train.onError'; runId: number | null; error: EngineError };

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

const BACKENDS: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
/** Larger than any design the parser accepts, so the parser gives the precise message. */
const MAX_DESIGN_TEXT = 21 * 1024 * 1024;
const MAX_PATH = 4096;

/**
 * Checks an untrusted message and returns it typed, or an error naming the
 * first problem. Extra keys are refused, like unknown design parameters.
 */
export function parseEngineRequest(
  raw: unknown,
): { ok: true; value: EngineRequest } | { ok: false; error: EngineError } {
  const bad = (message: string) => ({ ok: false as const, error: { type: 'badRequest' as const, message } });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return bad('a request must be an object');
  const record = raw as Record<string, unknown>;
  const type = record.type;
  const allowed: Record<string, readonly string[]> = {
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
    ],
    'train.pause': ['type', 'runId'],
    'train.resume': ['type', 'runId'],
    'train.step': ['type', 'runId'],
    'train.stop': ['type', 'runId'],
  };
  if (typeof type !== 'string' || !Object.hasOwn(allowed, type)) {
    return bad(`unknown request type ${JSON.stringify(String(type).slice(0, 40))}`);
  }
  for (const key of Object.keys(record)) {
    if (!allowed[type].includes(key)) return bad(`${type}: unexpected field "${key.slice(0, 40)}"`);
  }
  if (!isWhole(record.runId, 0, Number.MAX_SAFE_INTEGER)) return bad(`${type}: runId must be a whole number`);
  if (type !== 'train.start') return { ok: true, value: record as EngineRequest };
  if (typeof record.designText !== 'string' || record.designText.length > MAX_DESIGN_TEXT) {
    return bad('train.start: designText must be the design file text');
  }
  if (
    record.designDir !== null &&
    (typeof record.designDir !== 'string' ||
      record.designDir.length > MAX_PATH ||
      record.designDir.includes('\0'))
  ) {
    return bad('train.start: designDir must be a folder path or null');
  }
  if (!BACKENDS.includes(record.backend as BackendPreference))
    return bad(`train.start: backend must be one of ${BACKENDS.join(', ')}`);
  if (!isWhole(record.telemetryEvery, 0, 1_000_000))
    return bad('train.start: telemetryEvery must be a whole number from 0');
  if (record.seed !== undefined && !isWhole(record.seed, 0, 2 ** 32 - 1))
    return bad('train.start: seed must be a whole number from 0 to 2^32 − 1');
  if (record.maxSteps !== undefined && !isWhole(record.maxSteps, 1, 100_000_000))
    return bad('train.start: maxSteps must be a whole number from 1');
  if (record.boundaryEvery !== undefined && !isWhole(record.boundaryEvery, 0, 1_000_000)) {
    return bad('train.start: boundaryEvery must be a whole number from 0');
  }
  return { ok: true, value: record as EngineRequest };
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
