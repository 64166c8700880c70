import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyDesign } from '../state/design-store.svelte';
import type { EngineRequest } from '../../../../src-shared/protocol';
import { LAYER_STAT_STRIDE } from '../../../../src-shared/telemetry';
import type { EngineClient, EngineClientEvent } from '../engine/client';
import type { FrameJob, FrameScheduler } from './frame-scheduler';
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
    stats: new Float32Array(2 * LAYER_STAT_STRIDE).fill(0.1),
  };
}

describe('TrainingSession', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());

  /** Animation frames the test runs by hand. */
  function fakeFrames() {
    const queue = new Set<FrameJob>();
    const frames: FrameScheduler = {
      request: (job) => void queue.add(job),
      cancel: (job) => void queue.delete(job),
    };
    return {
      frames,
      waiting: () => queue.size,
      runFrame: () => {
        const [job] = queue;
        queue.delete(job);
        job?.();
      },
      /** Runs frames until none is asked for. */
      runFrames: () => {
        for (let n = 0; queue.size > 0 && n < 100; n++) {
          const [job] = queue;
          queue.delete(job);
          job();
        }
      },
    };
  }

  function started() {
    const fake = fakeClient();
    const frames = fakeFrames();
    const analysed = vi.fn();
    const session = new TrainingSession(fake.client, {
      now: () => now,
      frames: frames.frames,
      onanalyse: analysed,
    });
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
    // The start is diagnosed in a frame of its own: run it, so each test begins with no frame pending.
    frames.runFrames();
    analysed.mockClear();
    return { ...fake, session, runId: start.runId, start, analysed, ...frames };
  }

  it("keeps the engine's notices for the run, and drops them with the next Train", () => {
    const { session, emit, runId, sent } = started();
    expect(session.notices).toEqual([]);
    session.train(emptyDesign());
    const next = sent[sent.length - 1] as Extract<EngineRequest, { type: 'train.start' }>;
    const note = 'out/kernel: the file has [64, 10], layer out needs [64, 3]; starts from the seed';
    emit({
      type: 'train.onStarted',
      runId: next.runId,
      backend: { name: 'wasm', variant: 'simd', attempts: [] },
      layers,
      totalSteps: 100,
      stepsPerEpoch: 10,
      dataPreview: null,
      notices: [note],
    });
    expect(next.runId).not.toBe(runId);
    expect(session.notices).toEqual([note]);
    session.train(emptyDesign());
    expect(session.notices).toEqual([]);
  });

  it('asks for telemetry every step and the boundary for 2-D data', () => {
    const { start } = started();
    expect(start.telemetryEvery).toBe(1);
    expect(start.designDir).toBeNull();
    expect(start.boundaryEvery).toBeGreaterThan(0);
  });

  it('stores every step at once but tells the screen at most every 50 ms, at the start of a frame', () => {
    const { session, emit, runId, waiting, runFrames } = started();
    const before = session.version;
    for (let s = 0; s < 40; s++) emit(stepEvent(runId, s));
    expect(session.run?.count).toBe(40);
    now += 30;
    vi.advanceTimersByTime(30);
    runFrames();
    expect(session.version, 'not before the period is nearly over').toBe(before);
    now += FLUSH_MS - 30;
    vi.advanceTimersByTime(FLUSH_MS - 30);
    expect(session.version, 'the flush waits for a frame').toBe(before);
    runFrames();
    expect(session.version).toBe(before + 1);
    expect(session.progress.step).toBe(40);
    vi.advanceTimersByTime(1000);
    runFrames();
    vi.advanceTimersByTime(1000);
    expect(waiting(), 'nothing new, no frame').toBe(0);
    expect(session.version).toBe(before + 1);
  });

  it('bumps slowVersion after flushes, at most five times a second, in frames of its own', () => {
    const { session, emit, runId, runFrames } = started();
    const slow = session.slowVersion;
    const versions = session.version;
    for (let s = 0; s < 20; s++) {
      emit(stepEvent(runId, s));
      now += FLUSH_MS;
      vi.advanceTimersByTime(FLUSH_MS);
      runFrames();
    }
    expect(session.version - versions).toBe(20);
    // 20 flushes over a second: about five slow updates, never one per flush.
    expect(session.slowVersion - slow).toBeGreaterThanOrEqual(4);
    expect(session.slowVersion - slow).toBeLessThanOrEqual(6);
  });

  it('diagnoses in a frame after the flush, at most once a second while the run goes on', () => {
    const { session, emit, runId, runFrame, runFrames, analysed } = started();
    /** Runs frames one by one until the one that flushes. */
    const flushAfter = (ms: number) => {
      const before = session.version;
      now += ms;
      vi.advanceTimersByTime(ms);
      for (let n = 0; session.version === before && n < 10; n++) runFrame();
      expect(session.version).toBe(before + 1);
    };
    emit(stepEvent(runId, 0));
    now += 1001;
    flushAfter(FLUSH_MS);
    expect(analysed, 'not in the flush’s own frame').not.toHaveBeenCalled();
    runFrames();
    expect(analysed).toHaveBeenCalledTimes(1);
    emit(stepEvent(runId, 1));
    flushAfter(FLUSH_MS);
    runFrames();
    expect(analysed, 'less than a second later').toHaveBeenCalledTimes(1);
    emit({ type: 'train.onState', runId, state: 'finished' });
    runFrames();
    expect(analysed, 'the run ended').toHaveBeenCalledTimes(2);
  });

  it('says a lost server was lost, without flickering, while the client retries; notes the run it ended', () => {
    const { session, emit, runId } = started();
    for (let s = 0; s < 7; s++) emit(stepEvent(runId, s));
    emit({
      type: 'engine.onConnection',
      state: 'closed',
      message: 'lost the connection to the engine server',
    });
    expect(session.engine).toEqual({
      state: 'down',
      message: 'lost the connection to the engine server',
      retrying: false,
    });
    expect(session.state).toBe('stopped');
    expect(session.interrupted).toEqual({ steps: 7 });
    // Retry attempts come and fail: the message stays, now saying it retries.
    emit({ type: 'engine.onConnection', state: 'connecting' });
    expect(session.engine.state).toBe('down');
    expect(session.engine.retrying).toBe(true);
    emit({
      type: 'engine.onConnection',
      state: 'closed',
      message: 'lost the connection to the engine server',
    });
    expect(session.engine.retrying).toBe(true);
    emit({ type: 'engine.onConnection', state: 'open' });
    expect(session.engine).toEqual({ state: 'ok' });
    expect(session.interrupted, 'kept to explain the stopped run').toEqual({ steps: 7 });
    session.train(emptyDesign());
    expect(session.interrupted).toBeNull();
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
    const { session, emit, client, runId, sent } = started();
    emit(stepEvent(runId, 0));
    emit({ type: 'engine.onExit', code: 1, message: 'the engine stopped unexpectedly' });
    expect(session.engine.state).toBe('down');
    expect(session.state).toBe('stopped');
    expect(session.run?.count).toBe(1);
    await session.restartEngine();
    expect(client.restart).toHaveBeenCalled();
    expect(session.engine.state).toBe('ok');
    // The fresh engine is warmed, as the first was when the window opened.
    expect(sent.at(-1)).toEqual({ type: 'engine.warmUp', requestId: 0 });
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

  it('drops a run of another document: stops it, forgets it and ignores its late events', () => {
    const { session, emit, runId, sent } = started();
    emit(stepEvent(runId, 0));
    session.pin('before');
    expect(session.pinned).not.toBeNull();
    session.scope(2);
    expect(sent.at(-1)).toEqual({ type: 'train.stop', runId });
    expect(session.run).toBeNull();
    expect(session.pinned).toBeNull();
    expect(session.trainedDesign).toBeNull();
    expect(session.state).toBe('idle');
    expect(session.progress.step).toBe(0);
    emit(stepEvent(runId, 1));
    emit({ type: 'train.onState', runId, state: 'finished' });
    expect(session.run).toBeNull();
    expect(session.state).toBe('idle');
    // The same document again (an effect re-running) changes nothing.
    session.train(emptyDesign());
    session.scope(2);
    expect(session.state).toBe('starting');
  });

  it('after a change to compare, keeps the run as A and leaves B empty until Train', () => {
    const { session, emit, runId } = started();
    emit(stepEvent(runId, 0));
    session.beginComparison('before: x');
    expect(session.pinned?.run.runId).toBe(runId);
    expect(session.run).toBeNull();
    expect(session.state).toBe('idle');
  });
});
