import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyDesign } from '../state/design-store.svelte';
import type { EngineRequest } from '../../../../src-shared/protocol';
import { LAYER_STAT_STRIDE } from '../../../../src-shared/telemetry';
import type { EngineClient, EngineClientEvent } from '../engine/client';
import { FLUSH_MS, TrainingSession } from './session.svelte';

/** A client that records requests and lets the test play the engine. */
function fakeClient() {
  const sent: EngineRequest[] = [];
  let listener: ((event: EngineClientEvent) => void) | undefined;
  const client: EngineClient = {
    send: (request) => void sent.push(request),
    listen: (l) => {
      listener = l;
      return () => (listener = undefined);
    },
    restart: vi.fn(async () => {}),
    dispose: vi.fn(),
  };
  return { client, sent, emit: (event: EngineClientEvent) => listener?.(event) };
}

const layers = [
  { id: 'd1', type: 'dense' as const },
  { id: 'out', type: 'output' as const },
];

function stepEvent(runId: number, step: number) {
  return {
    type: 'train.onStep' as const,
    runId,
    step,
    epoch: 0,
    loss: 1,
    accuracy: 0.5,
    packed: {
      step,
      epoch: 0,
      loss: 1,
      accuracy: 0.5,
      stats: new Float32Array(2 * LAYER_STAT_STRIDE).fill(0.1),
    },
  };
}

describe('TrainingSession', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());

  function started() {
    const fake = fakeClient();
    const session = new TrainingSession(fake.client, { now: () => now });
    session.train(emptyDesign());
    const start = fake.sent[0] as Extract<EngineRequest, { type: 'train.start' }>;
    fake.emit({
      type: 'train.onStarted',
      runId: start.runId,
      backend: {
        name: 'wasm',
        variant: 'simd',
        attempts: [{ candidate: 'tensorflow', ok: false, reason: 'no binding' }],
      },
      layers,
      totalSteps: 100,
      stepsPerEpoch: 10,
      dataPreview: null,
    });
    fake.emit({ type: 'train.onState', runId: start.runId, state: 'running' });
    return { ...fake, session, runId: start.runId, start };
  }

  it('asks for telemetry every step and the boundary for 2-D data', () => {
    const { start } = started();
    expect(start.telemetryEvery).toBe(1);
    expect(start.designDir).toBeNull();
    expect(start.boundaryEvery).toBeGreaterThan(0);
  });

  it('stores every step at once but tells the screen at most every 50 ms', () => {
    const { session, emit, runId } = started();
    const before = session.version;
    for (let s = 0; s < 40; s++) emit(stepEvent(runId, s));
    expect(session.run?.count).toBe(40);
    expect(session.version).toBe(before);
    now += FLUSH_MS;
    vi.advanceTimersByTime(FLUSH_MS);
    expect(session.version).toBe(before + 1);
    expect(session.progress.step).toBe(40);
  });

  it('ignores a stale run’s events', () => {
    const { session, emit, runId } = started();
    emit(stepEvent(runId - 1, 0));
    emit({ type: 'train.onState', runId: runId - 1, state: 'finished' });
    emit({ type: 'train.onError', runId: runId - 1, error: { type: 'internal', message: 'old' } });
    expect(session.run?.count).toBe(0);
    expect(session.state).toBe('running');
    expect(session.error).toBeNull();
  });

  it('measures how long a pause takes to be confirmed', () => {
    const { session, emit, sent, runId } = started();
    session.pause();
    expect(sent.at(-1)).toEqual({ type: 'train.pause', runId });
    expect(session.pending).toBe('pause');
    now += 30;
    emit({ type: 'train.onState', runId, state: 'paused' });
    expect(session.state).toBe('paused');
    expect(session.pending).toBeNull();
    expect(session.lastControlMs).toBe(30);
  });

  it('keeps the last good telemetry when a run diverges', () => {
    const { session, emit, runId } = started();
    for (let s = 0; s < 5; s++) emit(stepEvent(runId, s));
    emit({ type: 'train.onState', runId, state: 'diverged' });
    emit({
      type: 'train.onDiverged',
      runId,
      step: 5,
      epoch: 0,
      layerId: 'd1',
      message: 'Training diverged at step 5',
    });
    expect(session.state).toBe('diverged');
    expect(session.diverged?.message).toContain('diverged');
    expect(session.run?.count).toBe(5);
  });

  it('reports a lost engine, keeps the run, and restarts on request', async () => {
    const { session, emit, client, runId } = started();
    emit(stepEvent(runId, 0));
    emit({ type: 'engine.onExit', code: 1, message: 'the engine stopped unexpectedly' });
    expect(session.engine.state).toBe('down');
    expect(session.state).toBe('stopped');
    expect(session.run?.count).toBe(1);
    await session.restartEngine();
    expect(client.restart).toHaveBeenCalled();
    expect(session.engine.state).toBe('ok');
  });

  it('retries without the boundary when an older engine refuses the field', () => {
    const { emit, sent, runId, session } = started();
    emit({
      type: 'train.onError',
      runId,
      error: { type: 'badRequest', message: 'train.start: unexpected field "boundaryEvery"' },
    });
    const retry = sent.at(-1) as Extract<EngineRequest, { type: 'train.start' }>;
    expect(retry.type).toBe('train.start');
    expect(retry.runId).toBe(runId);
    expect('boundaryEvery' in retry).toBe(false);
    expect(session.error).toBeNull();
  });

  it('pins a run for A/B and keeps it across the next run', () => {
    const { session, emit, runId } = started();
    emit(stepEvent(runId, 0));
    session.pin('before');
    session.train(emptyDesign());
    expect(session.pinned?.label).toBe('before');
    expect(session.pinned?.run.runId).toBe(runId);
    expect(session.run).toBeNull();
  });
});
