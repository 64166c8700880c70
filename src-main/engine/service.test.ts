/**
 * The engine service's file requests, in process: an uploaded model imports
 * (design text, safetensors weights, warnings) and its temporary folder is
 * removed; a run starts from uploaded pretrained weights, and the last run's
 * weights can still be exported after it ended; weights that do not fit, a
 * run the engine no longer holds and hostile uploads are answered with
 * errors, never a crash.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDesign } from '../../src-shared/design';
import type { EngineEvent, EngineRequest, ExportedModel, ImportedDesign } from '../../src-shared/protocol';
import { initBackend } from './backend/backend';
import { loadLayersModelFromDir } from './export/save-tfjs';
import { decodeWeightValues, encodeWeightValues } from './import';
import { snapshotWeights, type WeightValues } from './model/network';
import { createEngineService } from './service';
import { prepared } from './test-support';
import { createTrainer } from './train/trainer';

const MODELS = join(__dirname, '../../resources/fixtures/models');
const fixture = (path: string) => new Uint8Array(readFileSync(join(MODELS, path)));
const modelFiles = () => [
  { name: 'model.json', bytes: fixture('tfjs-sequential/model.json') },
  { name: 'weights.bin', bytes: fixture('tfjs-sequential/weights.bin') },
];

const events: EngineEvent[] = [];
const service = createEngineService((event) => events.push(event));
let nextId = 1;

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => service.dispose());

/** Sends a request and waits for the event `match` picks. */
async function ask<T extends EngineEvent>(request: unknown, match: (e: EngineEvent) => e is T): Promise<T> {
  await service.handle(request);
  const found = events.find(match);
  if (!found) throw new Error(`no answer to ${JSON.stringify(request).slice(0, 80)}`);
  events.splice(events.indexOf(found), 1);
  return found;
}

async function importFiles(files: unknown) {
  const requestId = nextId++;
  const reply = await ask(
    { type: 'import.model', requestId, files },
    (e): e is Extract<EngineEvent, { type: 'import.onResult' }> =>
      e.type === 'import.onResult' && e.requestId === requestId,
  );
  return reply.result;
}

async function exportModel(request: Record<string, unknown>) {
  const requestId = nextId++;
  const reply = await ask(
    { ...request, requestId },
    (e): e is Extract<EngineEvent, { type: 'export.onResult' }> =>
      e.type === 'export.onResult' && e.requestId === requestId,
  );
  return reply.result;
}

async function imported(): Promise<ImportedDesign> {
  const result = await importFiles(modelFiles());
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** The weights of an exported tfjs model, by name. */
async function tfjsWeights(model: ExportedModel): Promise<Record<string, number[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'backflow-service-test-'));
  for (const file of model.files) writeFileSync(join(dir, file.name), file.bytes);
  const loaded = await loadLayersModelFromDir(dir);
  const values = loaded.getWeights().map((w) => Array.from(w.dataSync()));
  const named = Object.fromEntries(loaded.weights.map((w, i) => [w.originalName, values[i]]));
  loaded.dispose();
  return named;
}

const plain = (weights: WeightValues) =>
  Object.fromEntries([...weights].map(([name, w]) => [name, Array.from(w.values)]));

const tempImports = () => readdirSync(tmpdir()).filter((name) => name.startsWith('backflow-upload-'));

describe('import.model', () => {
  it('imports model.json with its weights file, and leaves no temporary folder behind', async () => {
    const before = tempImports();
    const value = await imported();
    expect(tempImports()).toEqual(before);
    expect(value.modelFile).toBe('model.json');
    expect(value.tensorCount).toBe(4);
    const parsed = parseDesign(value.designText);
    expect(parsed.ok && parsed.design.graph.nodes.map((n) => n.id)).toEqual(['input', 'hidden', 'probs']);
    const weights = decodeWeightValues(value.weights!);
    expect([...weights.keys()]).toEqual(['hidden/kernel', 'hidden/bias', 'probs/kernel', 'probs/bias']);
    // The fixture's hand-picked values, unchanged: sin(1 + 1.7k + i) to 3 decimals.
    expect(weights.get('hidden/kernel')!.values[0]).toBeCloseTo(Math.round(Math.sin(1) * 1000) / 1000, 6);
  });

  it('says which weights file is missing', async () => {
    const result = await importFiles([modelFiles()[0]]);
    expect(result).toEqual({
      ok: false,
      error: {
        type: 'file',
        message: 'model.json needs its weights file "weights.bin": choose it together with model.json',
      },
    });
  });

  it('imports a Keras topology without weights, saying so, and names files it did not use', async () => {
    const result = await importFiles([
      { name: 'residual.json', bytes: fixture('keras3-functional-residual.json') },
      { name: 'notes.txt', bytes: new TextEncoder().encode('hello') },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.weights).toBeNull();
    expect(result.value.warnings).toContain(
      'the model has no weights: training starts from the seeded initial weights',
    );
    expect(result.value.warnings).toContain('not used: notes.txt');
  });

  it('names an unsupported layer, and never the temporary folder', async () => {
    const result = await importFiles([{ name: 'lstm.json', bytes: fixture('keras2-lstm.json') }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.type).toBe('model');
    expect(result.error.message).toContain("layer 'lstm_1' (LSTM) is not supported");
  });

  it('says what is wrong with a file that is not a model', async () => {
    const result = await importFiles([{ name: 'model.json', bytes: new TextEncoder().encode('{ nope') }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.type).toBe('file');
    expect(result.error.message).toMatch(/^cannot read model\.json: /);
    expect(result.error.message).not.toContain(tmpdir());
  });

  it('asks for one model when several are chosen', async () => {
    const result = await importFiles([
      { name: 'a.json', bytes: fixture('keras2-lstm.json') },
      { name: 'b.json', bytes: fixture('keras2-lstm.json') },
    ]);
    expect(!result.ok && result.error.message).toBe(
      'several model files (a.json, b.json): choose one model.json with its weight files',
    );
  });

  it('imports a Keras 3 .keras archive chosen alone, with its weights, and refuses it among other files', async () => {
    const keras = { name: 'keras3-sequential.keras', bytes: fixture('keras3-sequential.keras') };
    const result = await importFiles([keras]);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.modelFile).toBe('keras3-sequential.keras');
    expect(result.value.tensorCount).toBe(6);
    expect([...decodeWeightValues(result.value.weights!).keys()]).toContain('norm/gamma');
    const mixed = await importFiles([keras, { name: 'notes.json', bytes: new TextEncoder().encode('{}') }]);
    expect(!mixed.ok && mixed.error.message).toBe(
      'keras3-sequential.keras holds a whole model: choose it alone',
    );
  });

  it('answers a hostile upload with its result, not a crash', async () => {
    for (const files of [[{ name: '../../x.json', bytes: new Uint8Array(1) }], 'model.json', []]) {
      const result = await importFiles(files);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.type).toBe('badRequest');
    }
  });
});

describe('pretrained weights in train.start and export', () => {
  it('exports exactly the uploaded weights as the initial ones', async () => {
    const model = await imported();
    const result = await exportModel({
      type: 'export.initial',
      designText: model.designText,
      format: 'tfjs',
      initialWeights: model.weights,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ format: 'tfjs', designName: 'spiral_classifier', trained: false });
    expect(result.value.files.map((f) => f.name).sort()).toEqual(['model.json', 'weights.bin']);
    expect(await tfjsWeights(result.value)).toEqual(plain(decodeWeightValues(model.weights!)));
  });

  it('trains from them, and the ended run exports what a trainer started from them reached', async () => {
    const model = await imported();
    const runId = 41;
    const start: EngineRequest = {
      type: 'train.start',
      runId,
      designText: model.designText,
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 0,
      maxSteps: 3,
      initialWeights: model.weights!,
    };
    await service.handle(start);
    expect(events.filter((e) => e.type === 'train.onError')).toEqual([]);
    expect(events.some((e) => e.type === 'train.onState' && e.state === 'finished')).toBe(true);

    const exported = await exportModel({ type: 'export.run', runId, format: 'tfjs' });
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.value.trained).toBe(true);

    const parsed = parseDesign(model.designText);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const { data } = await prepared(parsed.design);
    const trainer = createTrainer({
      design: parsed.design,
      data,
      telemetryEvery: 0,
      maxSteps: 3,
      initialWeights: decodeWeightValues(model.weights!),
      onEvent: () => {},
    });
    await trainer.start();
    const expected = plain(snapshotWeights(trainer.network));
    trainer.dispose();
    expect(await tfjsWeights(exported.value)).toEqual(expected);

    // What the app keeps with an ended run: Backflow's weights file, keyed nodeId/role.
    const kept = await exportModel({ type: 'export.run', runId, format: 'weights' });
    if (!kept.ok) throw new Error(kept.error.message);
    expect(kept.value.files.map((f) => f.name)).toEqual(['weights.safetensors']);
    expect(plain(decodeWeightValues(kept.value.files[0].bytes))).toEqual(expected);

    const pytorch = await exportModel({ type: 'export.run', runId, format: 'pytorch' });
    expect(pytorch.ok && pytorch.value.files.map((f) => f.name).sort()).toEqual([
      'model.py',
      'weights.safetensors',
    ]);
  });

  it('starts weights that do not fit from the seed and says which; refuses a file where none fits', async () => {
    const model = await imported();
    const weights = new Map(decodeWeightValues(model.weights!));
    weights.set('probs/kernel', { shape: [4, 2], values: new Float32Array(8) });
    events.length = 0;
    await service.handle({
      type: 'train.start',
      runId: 42,
      designText: model.designText,
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 0,
      maxSteps: 1,
      initialWeights: encodeWeightValues(weights),
    });
    const started = events.find((e) => e.type === 'train.onStarted');
    expect(started?.type === 'train.onStarted' && started.notices).toEqual([
      'probs/kernel: the file has [4, 2], layer probs needs [4, 3]; starts from the seed',
    ]);
    events.length = 0;
    await service.handle({
      type: 'train.start',
      runId: 43,
      designText: model.designText,
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 0,
      initialWeights: encodeWeightValues(
        new Map([['other/kernel', { shape: [1], values: new Float32Array(1) }]]),
      ),
    });
    const error = events.find((e) => e.type === 'train.onError');
    expect(error).toMatchObject({ runId: 43, error: { type: 'weights' } });
    expect(error?.type === 'train.onError' && error.error.message).toContain(
      'none of the 1 tensors fits the design',
    );
    const exported = await exportModel({
      type: 'export.initial',
      designText: model.designText,
      format: 'keras',
      initialWeights: new TextEncoder().encode('garbage!'),
    });
    expect(exported.ok).toBe(false);
    if (!exported.ok) {
      expect(exported.error.type).toBe('weights');
      expect(exported.error.message).toContain(
        'the pretrained weights cannot be read: not a safetensors file',
      );
    }
  });

  it('says a run it no longer holds is gone', async () => {
    const result = await exportModel({ type: 'export.run', runId: 999, format: 'tfjs' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.type).toBe('gone');
      expect(result.error.message).toContain('train again to export its weights');
    }
  });
});
