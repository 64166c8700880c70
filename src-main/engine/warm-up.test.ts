/**
 * The engine's warm-up: it trains and leaves nothing behind, a real request
 * cancels it, and a run after it computes exactly what a run in an engine
 * never warmed computes (same losses, same telemetry, bit for bit).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEngineRequest, type EngineEvent } from '../../src-shared/protocol';
import { initBackend } from './backend/backend';
import { tf } from './backend/tf';
import { createEngineService } from './service';
import { EXAMPLES_DIR } from './test-support';
import { startWarmUp, WARM_UP_STEPS, type WarmUpReport } from './warm-up';

beforeAll(async () => {
  await initBackend('wasm');
});

const designText = readFileSync(join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json'), 'utf8');

/** Runs 25 steps of the example through a fresh service, after `before` (if any); returns its step events. */
async function runThroughService(before?: 'warmUp' | 'warmUpThenWait') {
  const events: EngineEvent[] = [];
  const service = createEngineService((event) => events.push(event));
  const start = {
    type: 'train.start',
    runId: 7,
    designText,
    designDir: EXAMPLES_DIR,
    backend: 'auto',
    telemetryEvery: 1,
    boundaryEvery: 4,
    maxSteps: 25,
  };
  try {
    if (before) {
      const warming = service.handle({ type: 'engine.warmUp', requestId: 1 });
      if (before === 'warmUpThenWait') await warming;
      // Otherwise the run is asked for while the warm-up trains, as when a user clicks Train at once.
      await Promise.all([warming, service.handle(start)]);
    } else {
      await service.handle(start);
    }
  } finally {
    service.dispose();
  }
  expect(events.filter((e) => e.type === 'train.onError')).toEqual([]);
  return events.filter((e): e is Extract<EngineEvent, { type: 'train.onStep' }> => e.type === 'train.onStep');
}

describe('engine warm-up', () => {
  it('is a request the protocol accepts, with nothing but its id', () => {
    expect(parseEngineRequest({ type: 'engine.warmUp', requestId: 3 }).ok).toBe(true);
    const extra = parseEngineRequest({ type: 'engine.warmUp', requestId: 3, steps: 9 });
    expect(extra.ok ? null : extra.error.message).toBe('engine.warmUp: unexpected field "steps"');
  });

  it('trains the steps it was given and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const report = await startWarmUp('wasm', 12).done;
    expect(report).toMatchObject({ steps: 12, cancelled: false });
    expect(report.backend.name).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops after the step in progress when cancelled', async () => {
    const before = tf.memory().numTensors;
    const warmUp = startWarmUp('wasm', 100_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    warmUp.cancel();
    const report = await warmUp.done;
    expect(report.cancelled).toBe(true);
    expect(report.steps).toBeLessThan(100_000);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('changes nothing a later run computes, whether it finished or was cut short', async () => {
    const cold = await runThroughService();
    const cutShort = await runThroughService('warmUp');
    const finished = await runThroughService('warmUpThenWait');
    expect(cold).toHaveLength(25);
    for (const warm of [cutShort, finished]) {
      expect(warm.map((e) => e.loss)).toEqual(cold.map((e) => e.loss));
      expect(warm.map((e) => Array.from(e.stats!))).toEqual(cold.map((e) => Array.from(e.stats!)));
    }
  });

  it('goes on where it stopped after a preview cuts it short, to the full count, once per engine', async () => {
    const reports: WarmUpReport[] = [];
    const events: EngineEvent[] = [];
    const service = createEngineService((event) => events.push(event), { onWarmUp: (r) => reports.push(r) });
    try {
      const warming = service.handle({ type: 'engine.warmUp', requestId: 1 });
      // As the app does on opening: the preview of the design it shows comes right after.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await service.handle({ type: 'preview.init', requestId: 2, designText, designDir: EXAMPLES_DIR });
      expect(events.map((e) => e.type)).toEqual(['preview.onResult']);
      await warming;
      // The resumed part ends on its own: wait for its report.
      for (let i = 0; i < 600 && reports.reduce((n, r) => n + r.steps, 0) < WARM_UP_STEPS; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(reports[0].cancelled).toBe(true);
      expect(reports.at(-1)!.cancelled).toBe(false);
      expect(reports.reduce((n, r) => n + r.steps, 0)).toBe(WARM_UP_STEPS);
      // A reloaded page asks again: the engine is warm already.
      await service.handle({ type: 'engine.warmUp', requestId: 3 });
      expect(reports.reduce((n, r) => n + r.steps, 0)).toBe(WARM_UP_STEPS);
    } finally {
      service.dispose();
    }
  });
});
