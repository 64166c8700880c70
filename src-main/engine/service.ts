/**
 * The engine as a message service: requests in (already transport-decoded),
 * events out. Transport-agnostic — the worker thread, and through it the
 * Electron main process and the WebSocket server, wrap this one object.
 * One run at a time; a new `train.start` stops the previous run first.
 */
import { parseEngineRequest, type EngineEvent, type EngineRequest } from '../../src-shared/protocol';
import { initBackend } from './backend/backend';
import { prepareRun } from './prepare-run';
import { createTrainer, type Trainer } from './train/trainer';

export interface EngineService {
  /** Handles one untrusted message. Never throws: failures become `train.onError` events. */
  handle(message: unknown): Promise<void>;
  dispose(): void;
}

export function createEngineService(emit: (event: EngineEvent) => void): EngineService {
  let active: { runId: number; trainer: Trainer } | undefined;

  const fail = (
    runId: number | null,
    type: Extract<EngineEvent, { type: 'train.onError' }>['error']['type'],
    message: string,
  ) => emit({ type: 'train.onError', runId, error: { type, message } });

  const start = async (request: Extract<EngineRequest, { type: 'train.start' }>) => {
    const { runId } = request;
    active?.trainer.stop();
    active?.trainer.dispose();
    active = undefined;
    // A design without a file has no folder: CSV paths then resolve against a folder that holds nothing.
    const prepared = await prepareRun(request.designText, {
      designDir: request.designDir ?? '/nonexistent-backflow-folder',
      seed: request.seed,
    });
    if (!prepared.ok) return fail(runId, prepared.error.type, prepared.error.message);
    let backend;
    try {
      backend = await initBackend(request.backend);
    } catch (error) {
      return fail(runId, 'backend', (error as Error).message);
    }
    const { design, data } = prepared.value;
    const trainer = createTrainer({
      design,
      data,
      seed: request.seed,
      telemetryEvery: request.telemetryEvery,
      maxSteps: request.maxSteps,
      boundaryEvery: request.boundaryEvery ?? 0,
      onEvent: (event) => {
        switch (event.type) {
          case 'started':
            return emit({
              type: 'train.onStarted',
              runId,
              backend,
              layers: event.layers,
              totalSteps: event.totalSteps,
              stepsPerEpoch: event.stepsPerEpoch,
              dataPreview: event.dataPreview,
            });
          case 'boundary':
            return emit({ ...event, type: 'train.onBoundary', runId });
          case 'step':
            return emit({
              type: 'train.onStep',
              runId,
              step: event.step,
              epoch: event.epoch,
              loss: event.loss,
              accuracy: event.accuracy,
              packed: event.packed,
            });
          case 'epoch':
            return emit({ ...event, type: 'train.onEpoch', runId });
          case 'state':
            return emit({ type: 'train.onState', runId, state: event.state });
          case 'diverged':
            return emit({ ...event, type: 'train.onDiverged', runId });
        }
      },
    });
    active = { runId, trainer };
    try {
      await trainer.start();
    } finally {
      if (active?.trainer === trainer) {
        trainer.dispose();
        active = undefined;
      }
    }
  };

  return {
    async handle(message) {
      const parsed = parseEngineRequest(message);
      if (!parsed.ok) {
        const runId = (message as { runId?: unknown } | null)?.runId;
        return fail(typeof runId === 'number' ? runId : null, parsed.error.type, parsed.error.message);
      }
      const request = parsed.value;
      try {
        if (request.type === 'train.start') return await start(request);
        if (!active || active.runId !== request.runId) return; // a stale run's control: nothing to do
        switch (request.type) {
          case 'train.pause':
            return active.trainer.pause();
          case 'train.resume':
            return active.trainer.resume();
          case 'train.step':
            return active.trainer.step();
          case 'train.stop':
            return active.trainer.stop();
        }
      } catch (error) {
        fail(request.runId, 'internal', (error as Error)?.message ?? String(error));
      }
    },
    dispose() {
      active?.trainer.dispose();
      active = undefined;
    },
  };
}
