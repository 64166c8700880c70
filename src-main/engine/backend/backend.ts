/**
 * Choosing the compute backend. Preference order for `auto`: native
 * TensorFlow with CUDA (`@tensorflow/tfjs-node-gpu`), native TensorFlow on the
 * CPU (`@tensorflow/tfjs-node`), WebAssembly, then pure JavaScript. WebGPU
 * (Dawn through the `webgpu` package) is tried only when asked for. Every
 * attempt is reported, so the UI can say why the GPU was not used.
 */
import { dirname, sep } from 'node:path';
import { availableParallelism } from 'node:os';
import { nativeAddonProblem } from './native-addon';
import { createThreadedWasmBackend, threadPool, type WasmPackage } from './wasm-threads';
import { tf } from './tf';
import { shareDataOnWasmIdentity } from './wasm-identity';
import { chooseFastest, type AutoDecision, type Trial } from './auto-choice';
import { describeAdapter, loadWebGpu, noGpuDevice, prepareWebGpu } from './webgpu';

import type { BackendPreference } from '../../../src-shared/protocol';
import { requireFromEngine } from '../require-from-engine';

/** What a user may ask for on the command line or in the UI. */
export type { BackendPreference };

/** The tfjs backend names the engine can end up on. */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface BackendAttempt {
  /** `tensorflow-gpu`, `tensorflow`, `webgpu`, `wasm` or `cpu`. */
  candidate: string;
  ok: boolean;
  /** Why it failed, in words a user can act on. */
  reason?: string;
}

export interface BackendChoice {
  name: BackendName;
  /** `tensorflow-gpu` when the native binding with CUDA loaded. */
  variant: string;
  /** The WebGPU adapter, on `webgpu`: "google swiftshader (SwiftShader driver 5.0.0), software". */
  device?: string;
  attempts: BackendAttempt[];
  /** How `auto` chose for the design at hand: the timings, or why there was nothing to time. */
  why?: string;
  /** On wasm: the threads its products and convolutions run on for the design at hand. */
  threads?: number;
}

/** Candidates tried for each preference, best first. */
const CANDIDATES: Record<BackendPreference, string[]> = {
  auto: ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
  tensorflow: ['tensorflow-gpu', 'tensorflow'],
  webgpu: ['webgpu'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};

let current: BackendChoice | undefined;

/**
 * Initialises the best available backend for `preference` and makes it
 * tfjs's active backend. Idempotent per process: a second call with the same
 * preference returns the first result. Throws only when nothing in the
 * preference list could load (e.g. `--backend tensorflow` on a machine
 * without the native binding), with every reason in the message.
 */
export function initBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  return oneAtATime(() => chooseBackend(preference));
}

/**
 * Runs `choose` after every choice asked for before it. The service handles requests as they
 * arrive (a preview's `auto` while a run asks for `wasm`), and two choices interleaved would
 * switch tfjs's backend under each other; `auto`'s timed trials are one such choice.
 */
function oneAtATime(choose: () => Promise<BackendChoice>): Promise<BackendChoice> {
  const chosen = choosing.then(choose, choose);
  choosing = chosen.catch(() => undefined);
  return chosen;
}

/** The last choice being made; the next waits for it. */
let choosing: Promise<unknown> = Promise.resolve();

async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (current && CANDIDATES[preference].includes(current.variant)) return current;
  const attempts: BackendAttempt[] = [];
  for (const candidate of CANDIDATES[preference]) {
    const { reason, device } = await tryCandidate(candidate);
    attempts.push(reason === undefined ? { candidate, ok: true } : { candidate, ok: false, reason });
    if (reason === undefined) {
      current = {
        name: candidate.startsWith('tensorflow') ? 'tensorflow' : (candidate as BackendName),
        variant: candidate,
        attempts,
        ...(device ? { device } : {}),
      };
      return current;
    }
  }
  const detail = attempts.map((a) => `${a.candidate}: ${a.reason}`).join('; ');
  throw new Error(`no usable backend for "${preference}" (${detail})`);
}

/** What `auto` needs to choose for one design. */
export interface AutoTrial {
  /** Designs with equal signatures cost the same per step: the decision is kept under it. */
  signature: string;
  /** Milliseconds per step of the design on the active backend, from a few timed steps. */
  time: () => Promise<number>;
  /**
   * Whether the design has convolutions (XNNPACK's threads then split them) or
   * is made of products (gemm.wat's helper threads split those); unknown: the former.
   */
  convolutional?: boolean;
}

const autoDecisions = new Map<string, AutoDecision>();

/**
 * `auto` for one design: the CPU backend {@link initBackend} loads, against a
 * hardware WebGPU adapter when there is one, each timed on the design itself
 * (`trial.time`), the fastest kept for the design's signature for the life of
 * the process. Nothing is timed where there is no GPU, and a software adapter
 * (SwiftShader, llvmpipe, WARP) is skipped: it is never faster than the CPU
 * backends and would slow every run's start; `--backend webgpu` still uses it.
 */
export function initAutoBackend(
  trial: AutoTrial,
  options: { acceptSoftwareAdapter?: boolean } = {},
): Promise<BackendChoice> {
  return oneAtATime(() => chooseAuto(trial, options.acceptSoftwareAdapter === true));
}

async function chooseAuto(trial: AutoTrial, acceptSoftwareAdapter: boolean): Promise<BackendChoice> {
  const base = await chooseBackend('auto');
  // Native TensorFlow with CUDA already is the GPU: nothing to compare.
  if (base.variant === 'tensorflow-gpu') return base;
  const gpu = await hardwareWebGpu(acceptSoftwareAdapter);
  const attempts = [...base.attempts.filter((a) => a.candidate !== 'webgpu'), gpu.attempt];
  if (!gpu.attempt.ok) {
    const choice: BackendChoice = { ...base, attempts, why: `no GPU to time against ${base.variant}` };
    current = choice;
    return choice;
  }
  let decision = autoDecisions.get(trial.signature);
  if (!decision) {
    const trials: Trial[] = [];
    for (const candidate of [base.variant, 'webgpu']) {
      const failed = (await tryCandidate(candidate)).reason;
      if (failed) {
        trials.push({ candidate, failed });
        continue;
      }
      try {
        trials.push({ candidate, msPerStep: await trial.time() });
      } catch (error) {
        trials.push({
          candidate,
          failed: error instanceof Error ? error.message.split('\n')[0] : String(error),
        });
      }
    }
    decision = chooseFastest(trials);
    autoDecisions.set(trial.signature, decision);
  }
  const { reason } = await tryCandidate(decision.candidate);
  if (reason) throw new Error(`no usable backend for "auto" (${decision.candidate}: ${reason})`);
  const choice: BackendChoice = {
    name: decision.candidate.startsWith('tensorflow') ? 'tensorflow' : (decision.candidate as BackendName),
    variant: decision.candidate,
    attempts,
    why: decision.why,
    ...(decision.candidate === 'webgpu' ? { device: gpu.device } : {}),
  };
  current = choice;
  return choice;
}

/** The WebGPU attempt as `auto` sees it: ok only for a hardware adapter (unless `acceptSoftware`: tests). */
export async function hardwareWebGpu(
  acceptSoftware: boolean,
): Promise<{ attempt: BackendAttempt; device?: string }> {
  const refuse = (reason: string) => ({ attempt: { candidate: 'webgpu', ok: false, reason } });
  const noDevice = noGpuDevice();
  if (noDevice) return refuse(noDevice);
  const prepared = await prepareWebGpu().catch((error: unknown) => ({
    ok: false as const,
    reason: error instanceof Error ? error.message.split('\n')[0] : String(error),
  }));
  if (!prepared.ok) return refuse(prepared.reason);
  const device = describeAdapter(prepared.adapter);
  if (prepared.adapter.software && !acceptSoftware)
    return refuse(`software adapter (${device}): only --backend webgpu uses it`);
  return { attempt: { candidate: 'webgpu', ok: true }, device };
}

/** The backend chosen by the last successful {@link initBackend}, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}

async function tryCandidate(candidate: string): Promise<{ reason?: string; device?: string }> {
  if (candidate === 'webgpu') {
    const loaded = await loadWebGpu().catch((error: unknown) => ({
      ok: false as const,
      reason: error instanceof Error ? error.message.split('\n')[0] : String(error),
    }));
    return loaded.ok ? { device: describeAdapter(loaded.adapter) } : { reason: loaded.reason };
  }
  return { reason: await tryCpuCandidate(candidate) };
}

async function tryCpuCandidate(candidate: string): Promise<string | undefined> {
  try {
    switch (candidate) {
      case 'tensorflow-gpu':
        return await loadNative('@tensorflow/tfjs-node-gpu');
      case 'tensorflow':
        return await loadNative('@tensorflow/tfjs-node');
      case 'wasm':
        return await loadWasm();
      case 'cpu':
        return (await tf.setBackend('cpu')) ? undefined : 'the CPU backend failed to initialise';
      default:
        return `unknown backend "${candidate}"`;
    }
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/**
 * The WebAssembly backend: the threaded build on {@link wasmThreads} threads where there is
 * more than one, else (or where the threaded build fails to start) the single-threaded SIMD
 * build. Either way it is tfjs's `wasm` backend.
 */
async function loadWasm(): Promise<string | undefined> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  shareDataOnWasmIdentity();
  const unpacked = unpackedWasmFolder();
  if (unpacked) wasm.setWasmPaths(unpacked);
  // The stock loader's threaded path starts its pthreads from blob: URLs, which Node refuses.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const threads = wasmThreads();
  // Once registered, the threaded backend is reactivated like any other (after webgpu, say):
  // registering it again would dispose the instance, its heap and every tensor on it.
  if (threads > 1 && !threadedFailure && !threadedRegistered) {
    let threaded: object | undefined;
    try {
      threaded = await createThreadedWasmBackend(
        wasm as unknown as WasmPackage,
        threads,
        unpacked ?? undefined,
      );
    } catch (error) {
      // The single-threaded build below still serves; the reason goes with each run's report
      // (thread-choice.ts).
      threadedFailure = `the threaded WebAssembly build failed to start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    if (threaded) {
      threadedRegistered = true;
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', () => threaded as never, WASM_PRIORITY);
      // Serial until a run's trial shows its design gains from the pool (thread-choice.ts):
      // the preview, exports, `reproduce` and the warm-up train small networks, which threads
      // slow down. A count set by hand is used throughout.
      if (!threadsSetByHand()) threadPool()?.useAll(false);
    }
  }
  if (!(await tf.setBackend('wasm'))) return 'the WebAssembly backend failed to initialise';
  return undefined;
}

/** tfjs-wasm registers itself at this priority. */
const WASM_PRIORITY = 2;
let threadedFailure: string | undefined;
let threadedRegistered = false;

/**
 * How many threads the WebAssembly backend runs on: `BACKFLOW_WASM_THREADS` when set (1 for
 * the single-threaded build), else every core the machine has, up to the eight pthreads the
 * threaded build starts.
 */
export function wasmThreads(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  const asked = Number(env.BACKFLOW_WASM_THREADS);
  const wanted = Number.isInteger(asked) && asked >= 1 ? asked : cores;
  return Math.max(1, Math.min(MAX_WASM_THREADS, wanted));
}

const MAX_WASM_THREADS = 8;

/** True when `BACKFLOW_WASM_THREADS` chose the count: it is then used for everything, untimed. */
export function threadsSetByHand(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.BACKFLOW_WASM_THREADS);
}

/** Why the WebAssembly backend runs on one thread although the machine has more, if it failed. */
export function threadedWasmFailure(): string | undefined {
  return threadedFailure;
}

/**
 * In the packaged desktop app the engine's modules are read from the app.asar
 * archive while the WebAssembly binaries are unpacked beside it (electron-builder's
 * `asarUnpack`); tfjs-wasm looks next to its own module, so it is pointed at the
 * unpacked copy (this also holds in worker threads, whatever their asar support).
 */
export function unpackedWasmFolder(
  moduleFile = requireFromEngine().resolve('@tensorflow/tfjs-backend-wasm'),
) {
  const marker = `${sep}app.asar${sep}`;
  const folder = dirname(moduleFile);
  return `${folder}${sep}`.includes(marker)
    ? `${folder.replace(marker, `${sep}app.asar.unpacked${sep}`)}${sep}`
    : null;
}

/** Loads a native TensorFlow binding once its compiled add-on is known to be there. */
async function loadNative(packageName: string): Promise<string | undefined> {
  const missing = nativeAddonProblem(packageName);
  if (missing) return missing;
  try {
    requireFromEngine()(packageName);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const hint = packageName.endsWith('-gpu') ? ' (it needs CUDA 11.2 and cuDNN 8.1)' : '';
    return `${packageName} failed to load${hint}: ${message}`;
  }
  return (await tf.setBackend('tensorflow'))
    ? undefined
    : `${packageName} loaded but the backend did not start`;
}
