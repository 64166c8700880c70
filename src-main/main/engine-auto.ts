/**
 * `auto` in the desktop app, across its two engines: the worker's CPU backend
 * (WebAssembly, or native TensorFlow) against Chromium's WebGPU in the GPU
 * page. As in the engine's own `auto` (engine/backend/backend.ts): nothing is
 * timed without a hardware GPU (a software adapter is never faster than the
 * CPU); with one, a few steps of the design are timed on each engine
 * (`trial.time`) and the fastest kept for the design's cost signature for the
 * life of the app (backend/auto-choice.ts decides, with its margin for the CPU).
 * Timed one after the other, so neither trial slows the other.
 */
import { costSignature } from '../../src-shared/design/cost-signature';
import { parseDesign } from '../../src-shared/design';
import type { BackendReport, DesignTiming, EngineRequest, EngineResult } from '../../src-shared/protocol';
import { chooseFastest, type Trial } from '../engine/backend/auto-choice';
import type { GpuAdapterReport } from '../engine/browser/host-messages';

type TrainStart = Extract<EngineRequest, { type: 'train.start' }>;
/** A trial's request without its id (the router numbers it). */
export type TrialRequest = Omit<Extract<EngineRequest, { type: 'trial.time' }>, 'requestId'>;
type Attempt = BackendReport['attempts'][number];

/** Where a run trains, and what its report should say about the GPU. */
export interface EngineChoice {
  engine: 'gpu' | 'worker';
  /** How it was chosen, when trials were run: "fastest for this design: webgpu 4.1 ms/step against wasm 9.8 ms". */
  why?: string;
  /** The GPU page's attempt, in place of the worker's own WebGPU (Dawn) attempt. */
  webgpuAttempt: Attempt;
}

export interface EngineAutoOptions {
  /** The GPU page's adapter (starting the page). */
  adapter(): Promise<GpuAdapterReport>;
  timeOnWorker(request: TrialRequest): Promise<EngineResult<DesignTiming>>;
  timeOnGpu(request: TrialRequest): Promise<EngineResult<DesignTiming>>;
}

export function createEngineAuto(options: EngineAutoOptions) {
  let adapter: Promise<GpuAdapterReport> | undefined;
  const decisions = new Map<string, EngineChoice>();
  const probe = () => (adapter ??= options.adapter());

  return {
    /** The GPU page's adapter, asked once (at the app's start: the warm-up asks). */
    probe,

    async choose(start: TrainStart): Promise<EngineChoice> {
      const report = await probe();
      if (!report.ok || report.software) {
        const reason = report.ok
          ? `software adapter (${report.device}): not a GPU worth timing`
          : report.reason;
        return { engine: 'worker', webgpuAttempt: { candidate: 'webgpu', ok: false, reason } };
      }
      const parsed = parseDesign(start.designText);
      // The worker reports what is wrong with the design, in its own words.
      if (!parsed.ok) return { engine: 'worker', webgpuAttempt: { candidate: 'webgpu', ok: true } };
      const signature = costSignature(parsed.design, parsed.design.data);
      const known = decisions.get(signature);
      if (known) return known;

      const {
        type: _type,
        runId: _runId,
        telemetryEvery: _every,
        maxSteps: _max,
        boundaryEvery: _b,
        ...design
      } = start;
      const trial: TrialRequest = { type: 'trial.time', ...design };
      const cpu = await options.timeOnWorker(trial);
      const gpu = await options.timeOnGpu({ ...trial, backend: 'webgpu' });
      const trials: Trial[] = [
        cpu.ok
          ? { candidate: cpu.value.backend.variant, msPerStep: cpu.value.msPerStep }
          : { candidate: 'cpu', failed: cpu.error.message },
        gpu.ok
          ? { candidate: 'webgpu', msPerStep: gpu.value.msPerStep }
          : { candidate: 'webgpu', failed: gpu.error.message },
      ];
      const decision = chooseFastest(trials);
      const choice: EngineChoice = {
        engine: decision.candidate === 'webgpu' ? 'gpu' : 'worker',
        why: decision.why,
        webgpuAttempt: gpu.ok
          ? { candidate: 'webgpu', ok: true }
          : { candidate: 'webgpu', ok: false, reason: gpu.error.message },
      };
      // Kept only when something was timed: a design that failed both (a missing CSV file) is tried again.
      if (cpu.ok || gpu.ok) decisions.set(signature, choice);
      return choice;
    },
  };
}

export type EngineAuto = ReturnType<typeof createEngineAuto>;

/** Whether `report` is a GPU `auto` may time: a hardware adapter. */
export function usableGpu(report: GpuAdapterReport): boolean {
  return report.ok && !report.software;
}

/** `report` as the run's start says it, with the choice's reason and the GPU page's attempt. */
export function withChoice(report: BackendReport, choice: EngineChoice): BackendReport {
  const attempts = [...report.attempts.filter((a) => a.candidate !== 'webgpu'), choice.webgpuAttempt];
  return { ...report, attempts, ...(choice.why ? { why: choice.why } : {}) };
}
