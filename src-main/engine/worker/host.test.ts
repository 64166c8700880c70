/**
 * The engine in its worker thread, driven through the host exactly as the
 * Electron main process and the server drive it: a real run, telemetry as
 * typed arrays, pause and stop taking effect in the middle of a slow step,
 * hostile requests answered with errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeDesign } from '../../../src-shared/design';
import type { EngineEvent } from '../../../src-shared/protocol';
import { EXAMPLES_DIR, mlpDesign } from '../test-support';
import type { EngineHostEvent as HostEvent } from '../../../src-shared/bridge';
import { createEngineHost } from './host';

const host = createEngineHost();
afterAll(() => host.terminate());

function waitFor<T extends HostEvent>(
  predicate: (event: HostEvent) => event is T,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for an engine event')), timeoutMs);
    const off = host.onEvent((event) => {
      if (predicate(event)) {
        clearTimeout(timer);
        off();
        resolve(event);
      }
    });
  });
}

const designText = readFileSync(join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json'), 'utf8');

describe('engine worker', () => {
  it('trains, streams packed telemetry, and pauses', async () => {
    const started = waitFor(
      (e): e is Extract<EngineEvent, { type: 'train.onStarted' }> =>
        e.type === 'train.onStarted' && e.runId === 1,
    );
    const firstStep = waitFor(
      (e): e is Extract<EngineEvent, { type: 'train.onStep' }> =>
        e.type === 'train.onStep' && e.runId === 1 && e.step === 3,
    );
    host.send({
      type: 'train.start',
      runId: 1,
      designText,
      designDir: EXAMPLES_DIR,
      backend: 'wasm',
      telemetryEvery: 1,
      maxSteps: 100_000,
    });
    const info = await started;
    expect(info.layers.map((l) => l.id)).toEqual([
      'd1',
      'd2',
      'd3',
      'd4',
      'd5',
      'd6',
      'd7',
      'd8',
      'd9',
      'd10',
      'out',
    ]);
    expect(info.backend.name).toBe('wasm');
    const step = await firstStep;
    expect(step.stats).toBeInstanceOf(Float32Array);
    expect(step.stats!.length).toBe(11 * 25);

    const paused = waitFor(
      (e): e is Extract<EngineEvent, { type: 'train.onState' }> =>
        e.type === 'train.onState' && e.state === 'paused',
    );
    host.send({ type: 'train.pause', runId: 1 });
    await paused;

    const stopped = waitFor(
      (e): e is Extract<EngineEvent, { type: 'train.onState' }> =>
        e.type === 'train.onState' && e.state === 'stopped',
    );
    host.send({ type: 'train.stop', runId: 1 });
    await stopped;
  });

  it('pauses and stops in the middle of a slow step, not at its end', async () => {
    // 40 dense layers of 384 units on batches of 256: about 400 ms a step on two quiet cores.
    const slow = mlpDesign({ layers: 40, units: 384, activation: 'tanh', batchSize: 256, samples: 1200 });
    const steps: { step: number; at: number }[] = [];
    const off = host.onEvent((e) => {
      if (e.type === 'train.onStep' && e.runId === 5) steps.push({ step: e.step, at: performance.now() });
    });
    const state = (wanted: string) =>
      waitFor(
        (e): e is Extract<EngineEvent, { type: 'train.onState' }> =>
          e.type === 'train.onState' && e.runId === 5 && e.state === wanted,
      );
    const step = (n: number) =>
      waitFor(
        (e): e is Extract<EngineEvent, { type: 'train.onStep' }> =>
          e.type === 'train.onStep' && e.runId === 5 && e.step === n,
      );
    const fifth = step(5);
    host.send({
      type: 'train.start',
      runId: 5,
      designText: serializeDesign(slow),
      designDir: EXAMPLES_DIR,
      backend: 'wasm',
      telemetryEvery: 1,
      maxSteps: 100_000,
    });
    await fifth;
    const stepMs = steps[5].at - steps[4].at;
    expect(stepMs, 'a step must be slow for this test to mean anything').toBeGreaterThan(150);

    // 50 ms into the work after a step (step 6; after step 7, the epoch's evaluation): without
    // interruption the request would wait for the rest of it.
    const measure = async (request: 'train.pause' | 'train.stop', wanted: string) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const reached = state(wanted);
      const sentAt = performance.now();
      host.send({ type: request, runId: 5 });
      await reached;
      return performance.now() - sentAt;
    };
    // Relative to this run's own step, not a wall-clock bound: a loaded machine slows both alike.
    // Waiting for the step to end would take about 7/8 of a step; taking effect mid-step, far less.
    // (Milliseconds on a quiet machine are in the frame benchmark, e2e/bench/training-frames.ts.)
    expect(await measure('train.pause', 'paused')).toBeLessThan(stepMs / 2);
    const seventh = step(7);
    host.send({ type: 'train.resume', runId: 5 });
    await seventh;
    expect(await measure('train.stop', 'stopped')).toBeLessThan(stepMs / 2);
    off();
    // Abandoned steps were trained again, each reported once.
    expect(steps.map((s) => s.step)).toEqual(steps.map((_, i) => i));
  });

  it('answers hostile requests with a badRequest error and keeps running', async () => {
    const error = waitFor(
      (e): e is Extract<EngineEvent, { type: 'train.onError' }> => e.type === 'train.onError',
    );
    host.send({
      type: 'train.start',
      runId: 2,
      designText: 'x',
      designDir: null,
      backend: 'gpu',
      telemetryEvery: 1,
    } as never);
    expect((await error).error).toEqual({
      type: 'badRequest',
      message: 'train.start: backend must be one of auto, tensorflow, webgpu, wasm, cpu',
    });

    const designError = waitFor(
      (e): e is Extract<EngineEvent, { type: 'train.onError' }> =>
        e.type === 'train.onError' && e.runId === 3,
    );
    host.send({
      type: 'train.start',
      runId: 3,
      designText: '{"format": "backflow.design", ',
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 1,
    });
    const failure = await designError;
    expect(failure.error.type).toBe('design');
    expect(failure.error.message).toContain('line 1');

    const finished = waitFor(
      (e): e is Extract<EngineEvent, { type: 'train.onState' }> =>
        e.type === 'train.onState' && e.runId === 4 && e.state === 'finished',
    );
    host.send({
      type: 'train.start',
      runId: 4,
      designText,
      designDir: EXAMPLES_DIR,
      backend: 'wasm',
      telemetryEvery: 0,
      maxSteps: 3,
    });
    await finished;
  });
});
