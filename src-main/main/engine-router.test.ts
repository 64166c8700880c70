/**
 * The desktop app's two engines behind one protocol: which requests reach the
 * GPU page and which the worker, how a GPU run's export is made, and what the
 * page hears when either engine ends. Engines are fakes that record requests
 * and emit what a test says (the real page is driven in engine/browser/gpu-engine.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineHostEvent } from '../../src-shared/bridge';
import type { BackendPreference, BackendReport, EngineRequest } from '../../src-shared/protocol';
import type { GpuAdapterReport } from '../engine/browser/host-messages';
import { createEngineRouter, type GpuEngineHost } from './engine-router';

interface FakeEngine extends GpuEngineHost {
  received: EngineRequest[];
  emit(event: EngineHostEvent): void;
  terminated: boolean;
}

const NO_GPU: GpuAdapterReport = { ok: false, reason: 'no WebGPU adapter' };
const HARDWARE: GpuAdapterReport = { ok: true, device: 'nvidia ampere (RTX 3060)', software: false };

function fakeEngine(adapter: GpuAdapterReport = NO_GPU): FakeEngine {
  const listeners = new Set<(event: EngineHostEvent) => void>();
  return {
    received: [],
    terminated: false,
    adapter: async () => adapter,
    send(request) {
      this.received.push(request);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event) => listeners.forEach((listener) => listener(event)),
    async terminate() {
      this.terminated = true;
    },
  };
}

function setup(adapter: GpuAdapterReport = NO_GPU) {
  const workers: FakeEngine[] = [];
  const pages: FakeEngine[] = [];
  const emitted: EngineHostEvent[] = [];
  const router = createEngineRouter({
    startWorker: () => workers[workers.push(fakeEngine()) - 1],
    startGpuPage: () => pages[pages.push(fakeEngine(adapter)) - 1],
    emit: (event) => emitted.push(event),
  });
  return { router, workers, pages, emitted };
}

const DESIGN = JSON.stringify({ data: { source: 'builtin', name: 'spiral' } });
/** A whole design, for `auto` (which keeps its choice under the design's cost signature). */
const EXAMPLE = readFileSync(join(__dirname, '../../resources/examples/deep-sigmoid.backflow.json'), 'utf8');
const start = (runId: number, backend: BackendPreference, extra: object = {}): EngineRequest => ({
  type: 'train.start',
  runId,
  designText: DESIGN,
  designDir: null,
  backend,
  telemetryEvery: 1,
  ...extra,
});
/** Lets the router's queue to the page (which may wait for a file) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const weightsFile = { name: 'weights.safetensors', bytes: new Uint8Array([1, 2, 3]) };

describe('engine router', () => {
  it('trains webgpu runs on the GPU page and the rest in the worker, one run at a time', async () => {
    const { router, workers, pages } = setup();
    router.send(start(1, 'wasm'));
    router.send(start(2, 'webgpu'));
    await settle();
    expect(workers[0].received.map((r) => r.type)).toEqual(['train.start', 'train.stop']);
    expect(workers[0].received[1]).toEqual({ type: 'train.stop', runId: 1 });
    expect(pages[0].received).toEqual([start(2, 'webgpu')]);

    router.send({ type: 'train.pause', runId: 2 });
    router.send({ type: 'train.step', runId: 2 });
    router.send({ type: 'train.pause', runId: 1 });
    router.send(start(3, 'wasm'));
    await settle();
    expect(pages[0].received.slice(1)).toEqual([
      { type: 'train.pause', runId: 2 },
      { type: 'train.step', runId: 2 },
      { type: 'train.stop', runId: 2 },
    ]);
    expect(workers[0].received.slice(2)).toEqual([{ type: 'train.pause', runId: 1 }, start(3, 'wasm')]);
    expect(workers).toHaveLength(1);
    expect(pages).toHaveLength(1);
  });

  it('sends previews, imports and initial exports to the worker, and the page’s events to the page', async () => {
    const { router, workers, pages, emitted } = setup();
    router.send({ type: 'preview.init', requestId: 1, designText: DESIGN });
    router.send({ type: 'engine.warmUp', requestId: 2 } as EngineRequest);
    router.send(start(5, 'webgpu'));
    await settle();
    expect(workers[0].received.map((r) => r.type)).toEqual(['preview.init', 'engine.warmUp']);
    pages[0].emit({ type: 'train.onState', runId: 5, state: 'running' });
    expect(emitted).toEqual([{ type: 'train.onState', runId: 5, state: 'running' }]);
  });

  it('exports a GPU run: its weights file from the page, any other format made by the worker from them', async () => {
    const { router, workers, pages, emitted } = setup();
    router.send(start(7, 'webgpu', { seed: 42 }));
    router.send({ type: 'export.run', requestId: 100, runId: 7, format: 'weights' });
    router.send({ type: 'export.run', requestId: 101, runId: 7, format: 'onnx' });
    await settle();
    const asked = pages[0].received.slice(1) as Extract<EngineRequest, { type: 'export.run' }>[];
    expect(asked.map((r) => [r.type, r.runId, r.format])).toEqual([
      ['export.run', 7, 'weights'],
      ['export.run', 7, 'weights'],
    ]);
    const value = { format: 'weights' as const, designName: 'd', trained: true, files: [weightsFile] };
    for (const request of asked)
      pages[0].emit({ type: 'export.onResult', requestId: request.requestId, result: { ok: true, value } });
    // The weights are the page's answer, under the page's request id; ONNX is the worker's to write.
    expect(emitted).toEqual([{ type: 'export.onResult', requestId: 100, result: { ok: true, value } }]);
    expect(workers[0].received).toEqual([
      {
        type: 'export.initial',
        requestId: 101,
        designText: DESIGN,
        format: 'onnx',
        seed: 42,
        initialWeights: weightsFile.bytes,
        designDir: null,
        trained: true,
      },
    ]);
  });

  it('passes on a failed GPU export, and leaves runs the page never had to the worker', async () => {
    const { router, workers, pages, emitted } = setup();
    router.send(start(7, 'webgpu'));
    router.send({ type: 'export.run', requestId: 9, runId: 7, format: 'tfjs' });
    router.send({ type: 'export.run', requestId: 10, runId: 3, format: 'tfjs' });
    await settle();
    const error = { type: 'internal' as const, message: 'no' };
    const asked = pages[0].received[1] as Extract<EngineRequest, { type: 'export.run' }>;
    pages[0].emit({ type: 'export.onResult', requestId: asked.requestId, result: { ok: false, error } });
    expect(emitted).toEqual([{ type: 'export.onResult', requestId: 9, result: { ok: false, error } }]);
    expect(workers[0].received).toEqual([{ type: 'export.run', requestId: 10, runId: 3, format: 'tfjs' }]);
  });

  it('fails the GPU run and its pending exports when the page ends, and starts a new page next time', async () => {
    const { router, workers, pages, emitted } = setup();
    router.send(start(1, 'auto'));
    router.send(start(2, 'webgpu'));
    router.send({ type: 'export.run', requestId: 30, runId: 2, format: 'weights' });
    await settle();
    pages[0].emit({ type: 'engine.onExit', code: 1, message: 'the GPU engine stopped (crashed)' });
    const error = { type: 'backend', message: 'the GPU engine stopped (crashed)' };
    expect(emitted).toEqual([
      { type: 'train.onError', runId: 2, error },
      { type: 'export.onResult', requestId: 30, result: { ok: false, error } },
    ]);
    // The worker's run and requests are untouched; the run's export is now the worker's "gone".
    router.send({ type: 'export.run', requestId: 31, runId: 2, format: 'weights' });
    router.send(start(3, 'webgpu'));
    await settle();
    expect(workers[0].received.at(-1)).toEqual({
      type: 'export.run',
      requestId: 31,
      runId: 2,
      format: 'weights',
    });
    expect(pages).toHaveLength(2);
    expect(pages[1].received).toEqual([start(3, 'webgpu')]);
  });

  it('says nothing of a GPU run that had ended when the page went', async () => {
    const { router, pages, emitted } = setup();
    router.send(start(2, 'webgpu'));
    await settle();
    pages[0].emit({ type: 'train.onState', runId: 2, state: 'finished' });
    pages[0].emit({ type: 'engine.onExit', code: 1, message: 'gone' });
    expect(emitted).toEqual([{ type: 'train.onState', runId: 2, state: 'finished' }]);
  });

  it('stops the GPU run when the worker ends, as the page then shows no run', async () => {
    const { router, workers, pages, emitted } = setup();
    router.send({ type: 'preview.init', requestId: 1, designText: DESIGN });
    router.send(start(4, 'webgpu'));
    workers[0].emit({ type: 'engine.onExit', code: 1, message: 'the engine crashed' });
    await settle();
    expect(emitted).toEqual([{ type: 'engine.onExit', code: 1, message: 'the engine crashed' }]);
    expect(pages[0].received).toEqual([start(4, 'webgpu'), { type: 'train.stop', runId: 4 }]);
  });

  it('reads a CSV file beside the design for the page, or fails the run with why', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'backflow-router-'));
    writeFileSync(join(folder, 'points.csv'), 'x,y,label\n1,2,a\n3,4,b\n');
    const csvDesign = JSON.stringify({ data: { source: 'csv', path: 'points.csv', target: 'label' } });
    const { router, pages, emitted } = setup();
    router.send(start(1, 'webgpu', { designText: csvDesign, designDir: folder }));
    router.send({ type: 'train.pause', runId: 1 });
    await settle();
    const sent = pages[0].received[0] as Extract<EngineRequest, { type: 'train.start' }>;
    expect(new TextDecoder().decode(sent.dataFile!.bytes)).toBe('x,y,label\n1,2,a\n3,4,b\n');
    expect(sent.dataFile!.name).toBe('points.csv');
    expect(pages[0].received[1]).toEqual({ type: 'train.pause', runId: 1 }); // not before its start

    const missing = JSON.stringify({ data: { source: 'csv', path: '../secrets.csv', target: 'label' } });
    router.send(start(2, 'webgpu', { designText: missing, designDir: folder }));
    await settle();
    // Nothing of run 2 (a new start on the page would have stopped run 1 there itself).
    expect(pages[0].received).toHaveLength(2);
    expect(emitted).toEqual([
      {
        type: 'train.onError',
        runId: 2,
        error: { type: 'data', message: "data: ../secrets.csv is outside the design's folder" },
      },
    ]);
  });

  describe('auto', () => {
    const report = (name: BackendReport['name'], why?: string): BackendReport => ({
      name,
      variant: name,
      attempts: [
        { candidate: 'wasm', ok: true },
        { candidate: 'webgpu', ok: false, reason: 'External buffers are not allowed' },
      ],
      ...(why ? { why } : {}),
    });
    const started = (runId: number, backend: BackendReport): EngineHostEvent => ({
      type: 'train.onStarted',
      ...{ runId, backend, layers: [], totalSteps: 10, stepsPerEpoch: 5, dataPreview: null },
    });
    /** Answers the router's trial on `engine` with `msPerStep`. */
    const answerTrial = (engine: FakeEngine, msPerStep: number, name: BackendReport['name']) => {
      const trial = engine.received.find((r) => r.type === 'trial.time')!;
      expect(trial).toBeDefined();
      engine.received.splice(engine.received.indexOf(trial), 1);
      const requestId = (trial as { requestId: number }).requestId;
      engine.emit({
        type: 'trial.onResult',
        requestId,
        result: { ok: true, value: { msPerStep, backend: report(name) } },
      });
      return trial;
    };

    it('without a GPU: asks once when the app opens, closes the page, and trains in the worker', async () => {
      const { router, workers, pages, emitted } = setup({
        ok: true,
        device: 'google swiftshader, software',
        software: true,
      });
      router.send({ type: 'engine.warmUp', requestId: 1 } as EngineRequest);
      await settle();
      expect(pages).toHaveLength(1);
      expect(pages[0].terminated).toBe(true);
      router.send(start(1, 'auto'));
      router.send({ type: 'train.pause', runId: 1 });
      await settle();
      expect(pages).toHaveLength(1); // not asked again
      expect(workers[0].received.slice(1)).toEqual([start(1, 'auto'), { type: 'train.pause', runId: 1 }]);
      workers[0].emit(started(1, report('wasm', 'no GPU to time against wasm')));
      // The report names the GPU page's verdict, not the worker's Dawn attempt.
      expect(emitted).toEqual([
        started(1, {
          ...report('wasm', 'no GPU to time against wasm'),
          attempts: [
            { candidate: 'wasm', ok: true },
            {
              candidate: 'webgpu',
              ok: false,
              reason: 'software adapter (google swiftshader, software): not a GPU worth timing',
            },
          ],
        }),
      ]);
    });

    it('with a GPU: times the design on both, trains where it is faster, and remembers', async () => {
      const { router, workers, pages, emitted } = setup(HARDWARE);
      router.send(start(1, 'auto', { seed: 3, designText: EXAMPLE }));
      await settle();
      const cpuTrial = answerTrial(workers[0], 9.8, 'wasm');
      expect(cpuTrial).toMatchObject({ type: 'trial.time', designText: EXAMPLE, backend: 'auto', seed: 3 });
      await settle();
      const gpuTrial = answerTrial(pages[0], 4.1, 'webgpu');
      expect(gpuTrial).toMatchObject({ type: 'trial.time', designText: EXAMPLE, backend: 'webgpu', seed: 3 });
      await settle();
      expect(pages[0].received).toEqual([start(1, 'webgpu', { seed: 3, designText: EXAMPLE })]);
      expect(workers[0].received).toEqual([]);
      pages[0].emit(
        started(1, {
          name: 'webgpu',
          variant: 'webgpu',
          device: 'nvidia',
          attempts: [{ candidate: 'webgpu', ok: true }],
        }),
      );
      expect(emitted.at(-1)).toMatchObject({
        backend: { name: 'webgpu', why: 'fastest for this design: webgpu 4.1 ms/step against wasm 9.8 ms' },
      });

      // The same design again (renamed): no trial, straight to the GPU.
      router.send(start(2, 'auto', { seed: 3, designText: EXAMPLE.replace('Deep sigmoid MLP', 'A copy') }));
      await settle();
      expect(pages[0].received.at(-1)).toMatchObject({ type: 'train.start', runId: 2, backend: 'webgpu' });
      expect(workers[0].received).toEqual([]);
    });

    it('with a GPU that is slower for the design: trains in the worker and says why', async () => {
      const { router, workers, pages, emitted } = setup(HARDWARE);
      router.send(start(1, 'auto', { designText: EXAMPLE }));
      await settle();
      answerTrial(workers[0], 1.2, 'wasm');
      await settle();
      answerTrial(pages[0], 6, 'webgpu');
      await settle();
      expect(workers[0].received).toEqual([start(1, 'auto', { designText: EXAMPLE })]);
      workers[0].emit(started(1, report('wasm')));
      expect(emitted.at(-1)).toMatchObject({
        backend: {
          why: 'fastest for this design: wasm 1.2 ms/step against webgpu 6.0 ms',
          attempts: [
            { candidate: 'wasm', ok: true },
            { candidate: 'webgpu', ok: true },
          ],
        },
      });
    });

    it('holds a run’s controls while timing; a stop ends it unstarted', async () => {
      const { router, workers, pages, emitted } = setup(HARDWARE);
      router.send(start(1, 'auto', { designText: EXAMPLE }));
      router.send({ type: 'train.stop', runId: 1 });
      await settle();
      answerTrial(workers[0], 1, 'wasm');
      await settle();
      answerTrial(pages[0], 5, 'webgpu');
      await settle();
      expect(emitted).toEqual([{ type: 'train.onState', runId: 1, state: 'stopped' }]);
      expect(workers[0].received).toEqual([]);
      expect(pages[0].received).toEqual([]);
    });
  });
});
