/**
 * File → Export / Import against a scripted engine and host: what is asked of
 * the engine (the design and its pretrained weights, or the run), where the
 * files go, and how an import becomes a new design that keeps its weights.
 */
import { describe, expect, it } from 'vitest';
import { serializeDesign } from '../../../../src-shared/design/index';
import type { EngineEvent, EngineRequest } from '../../../../src-shared/protocol';
import { EngineCalls } from '../engine/calls';
import type { EngineClient } from '../engine/client';
import { createListenerSet } from '../engine/listeners';
import { emptyDesign } from '../state/design-store.svelte';
import { EditorState } from '../state/editor.svelte';
import { createBrowserFileHost } from './browser-host';
import type { FileHost } from './host';
import { TrainingSession } from '../training/session.svelte';
import { ModelFiles, type TrainedRun } from './model-files.svelte';
import { FileSession } from './session.svelte';

const exported = { format: 'tfjs' as const, designName: 'Deep net', trained: false, files: [] };

function setup(reply: (request: EngineRequest) => EngineEvent, run: TrainedRun | null = null) {
  const listeners = createListenerSet();
  const sent: EngineRequest[] = [];
  const client: EngineClient = {
    send(request) {
      sent.push(request);
      queueMicrotask(() => listeners.emit(reply(request)));
    },
    listen(listener) {
      const off = listeners.add(listener);
      listener({ type: 'engine.onConnection', state: 'open' });
      return off;
    },
    restart: async () => {},
    dispose: () => {},
  };
  // The browser host, minus the parts that need a page: those are scripted per test.
  const host: FileHost = { ...createBrowserFileHost({} as Document), confirmDiscard: async () => 'discard' };
  const handed: { name: string; files: string[] }[] = [];
  host.saveExport = async (model, name) => (
    handed.push({ name, files: model.files.map((f) => f.name) }),
    { ok: true, value: { fileName: `${name}.zip`, path: '' } }
  );
  const editor = new EditorState();
  editor.load(emptyDesign('Deep net'));
  const files = new FileSession(editor, host);
  const models = new ModelFiles(files, editor, new EngineCalls(client), () => run);
  const notices = () => editor.notices.items.map((n) => n.text);
  return { editor, files, host, models, sent, handed, notices };
}

const exportReply =
  (result: Extract<EngineEvent, { type: 'export.onResult' }>['result']) =>
  (request: EngineRequest): EngineEvent => ({
    type: 'export.onResult',
    requestId: (request as { requestId: number }).requestId,
    result,
  });

describe('File → Export', () => {
  it('exports the design with its pretrained weights and hands over the files', async () => {
    const { files, models, sent, handed, notices, editor } = setup(
      exportReply({
        ok: true,
        value: { ...exported, files: [{ name: 'model.json', bytes: new Uint8Array(1) }] },
      }),
    );
    const weights = Uint8Array.from([7, 7]);
    files.pretrained = { bytes: weights, source: 'model.json', tensorCount: 2 };
    expect(await models.export('tfjs', 'initial')).toBe(true);
    expect(sent).toEqual([
      {
        type: 'export.initial',
        requestId: 1,
        designText: serializeDesign(editor.design),
        format: 'tfjs',
        initialWeights: weights,
      },
    ]);
    expect(handed).toEqual([{ name: 'Deep-net-tfjs', files: ['model.json'] }]);
    expect(notices()).toEqual([
      'Exported TensorFlow.js with the pretrained weights: Deep-net-tfjs.zip (model.json)',
    ]);
  });

  it('exports the current run by its id, and says when there is none', async () => {
    const { models, sent } = setup(exportReply({ ok: true, value: { ...exported, trained: true } }), {
      runId: 77,
      steps: 12,
      name: null,
    });
    expect(await models.export('pytorch', 'trained')).toBe(true);
    expect(sent).toEqual([{ type: 'export.run', requestId: 1, runId: 77, format: 'pytorch' }]);
    const none = setup(exportReply({ ok: true, value: exported }));
    expect(await none.models.export('tfjs', 'trained')).toBe(false);
    expect(none.sent).toEqual([]);
    expect(none.notices()).toEqual(['There is no run to export: train first, or export the initial weights']);
  });

  it('exports a kept run chosen in the Runs list: its design and weights, named after it', async () => {
    const weights = new Uint8Array([1, 2, 3]);
    const { models, sent, handed } = setup(exportReply({ ok: true, value: exported }), {
      runId: null,
      steps: 40,
      name: 'sigmoid baseline',
      kept: { designText: '{"name":"then"}', weights },
    });
    expect(await models.export('keras', 'trained')).toBe(true);
    expect(sent).toEqual([
      {
        type: 'export.initial',
        requestId: 1,
        designText: '{"name":"then"}',
        format: 'keras',
        initialWeights: weights,
      },
    ]);
    expect(handed[0].name).toBe('sigmoid-baseline-keras');
  });

  it("shows the engine's reason when the export fails, and hands nothing over", async () => {
    const { models, handed, notices } = setup(
      exportReply({
        ok: false,
        error: { type: 'graph', message: 'the network cannot be trained: no output' },
      }),
    );
    expect(await models.export('keras', 'initial')).toBe(false);
    expect(handed).toEqual([]);
    expect(notices()).toEqual(['Export failed: the network cannot be trained: no output']);
  });
});

describe('File → Import', () => {
  const chosen = [
    { name: 'model.json', bytes: new Uint8Array([123, 125]) },
    { name: 'weights.bin', bytes: new Uint8Array(16) },
  ];
  const importReply =
    (result: Extract<EngineEvent, { type: 'import.onResult' }>['result']) =>
    (request: EngineRequest): EngineEvent => ({
      type: 'import.onResult',
      requestId: (request as { requestId: number }).requestId,
      result,
    });

  it('sends the chosen files and opens the model as a new unsaved design with its weights', async () => {
    const weights = Uint8Array.from([1, 2, 3]);
    const { editor, files, host, models, sent, notices } = setup(
      importReply({
        ok: true,
        value: {
          designText: serializeDesign(emptyDesign('spiral_classifier')),
          weights,
          tensorCount: 4,
          modelFile: 'model.json',
          warnings: ['guessed the data: spiral'],
        },
      }),
    );
    host.chooseModelFiles = async () => ({ ok: true, value: chosen });
    await models.import();
    expect(sent).toEqual([{ type: 'import.model', requestId: 1, files: chosen }]);
    expect(editor.design.name).toBe('spiral_classifier');
    expect(files.pretrained).toEqual({ bytes: weights, source: 'model.json', tensorCount: 4 });
    expect(files.dirty).toBe(true);
    expect(files.fileName).toBeNull();
    expect(notices()).toEqual(['guessed the data: spiral']);
    expect(models.busy).toBeNull();
  });

  it("keeps the open design and shows the engine's reason when the import fails", async () => {
    const { editor, files, host, models, notices } = setup(
      importReply({ ok: false, error: { type: 'model', message: "layer 'lstm_1' (LSTM) is not supported" } }),
    );
    host.chooseModelFiles = async () => ({ ok: true, value: chosen });
    await models.import();
    expect(editor.design.name).toBe('Deep net');
    expect(files.pretrained).toBeNull();
    expect(notices()).toEqual(["Import failed: layer 'lstm_1' (LSTM) is not supported"]);
  });

  it('does nothing when the file chooser is dismissed', async () => {
    const { host, models, sent, notices } = setup(
      importReply({ ok: false, error: { type: 'file', message: 'x' } }),
    );
    host.chooseModelFiles = async () => ({ ok: false, error: { type: 'canceled', message: 'canceled' } });
    await models.import();
    expect(sent).toEqual([]);
    expect(notices()).toEqual([]);
  });
});

describe('Train with pretrained weights', () => {
  it('sends them with train.start, and nothing extra without them', () => {
    const sent: EngineRequest[] = [];
    const client: EngineClient = {
      send: (request) => void sent.push(request),
      listen: () => () => {},
      restart: async () => {},
      dispose: () => {},
    };
    const training = new TrainingSession(client);
    const weights = Uint8Array.from([4, 2]);
    training.train(emptyDesign('Tuned'), weights);
    training.train(emptyDesign('Plain'));
    expect(
      sent.filter((r) => r.type === 'train.start').map((r) => 'initialWeights' in r && r.initialWeights),
    ).toEqual([weights, false]);
    training.dispose();
  });
});
