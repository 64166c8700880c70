/**
 * The user's own CSV file in the page: read into columns, held for the open
 * design only, turned into one undoable data edit, giving the editor the
 * data's shapes (so a wrong input shape is the usual validation message), and
 * sent with Train and Export; and when a design needs a file the page lacks.
 */
import { describe, expect, it } from 'vitest';
import { summarizeCsv } from '../../../../src-shared/csv/columns';
import { serializeDesign } from '../../../../src-shared/design/index';
import type { Design, DesignNode } from '../../../../src-shared/design/types';
import type { EngineEvent, EngineRequest } from '../../../../src-shared/protocol';
import { EngineCalls } from '../engine/calls';
import type { EngineClient } from '../engine/client';
import { createBrowserFileHost } from '../files/browser-host';
import { ModelFiles } from '../files/model-files.svelte';
import { FileSession } from '../files/session.svelte';
import { emptyDesign } from '../state/design-store.svelte';
import { EditorState } from '../state/editor.svelte';
import { TrainingSession } from '../training/session.svelte';
import { useCsvData } from '../training/settings-edits';
import { missingCsv, payloadName, readPickedCsv, type PickedCsv } from './csv-data.svelte';
import { columnContents, targetLabel, trainingOutline } from './csv-text';

const IRIS = [
  'sepal_length,sepal_width,petal_length,petal_width,species',
  '5.1,3.5,1.4,0.2,setosa',
  '7.0,3.2,4.7,1.4,versicolor',
  '6.3,3.3,6.0,2.5,virginica',
  '4.9,3.0,1.4,0.2,setosa',
].join('\n');

/** input [2] → dense 8 → output: a spiral network. */
function spiralNet(): Design {
  const nodes: DesignNode[] = [
    { id: 'in', type: 'input', params: { shape: [2] }, position: { x: 0, y: 0 } },
    { id: 'd1', type: 'dense', params: { units: 8, activation: 'relu' }, position: { x: 200, y: 0 } },
    { id: 'out', type: 'output', params: { loss: 'softmaxCrossEntropy' }, position: { x: 400, y: 0 } },
  ];
  const edges = [
    { id: 'e1', source: 'in', target: 'd1' },
    { id: 'e2', source: 'd1', target: 'out' },
  ];
  return { ...emptyDesign('Spiral net'), graph: { nodes, edges } };
}

async function picked(text: string, name: string, path = name): Promise<PickedCsv> {
  const read = await readPickedCsv(new File([text], name, { type: 'text/csv' }), path);
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

describe('a picked CSV file', () => {
  it('is read into bytes and columns, or refused with the reason', async () => {
    const iris = await picked(IRIS, 'iris.csv');
    expect(new TextDecoder().decode(iris.bytes)).toBe(IRIS);
    expect(iris.summary.columns.map((c) => c.name)).toEqual([
      'sepal_length',
      'sepal_width',
      'petal_length',
      'petal_width',
      'species',
    ]);
    expect(await readPickedCsv(new File([''], 'empty.csv'), 'empty.csv')).toEqual({
      ok: false,
      message: 'empty.csv is empty; it needs a header row',
    });
  });

  it('is sent under a name the engine accepts', () => {
    expect(payloadName('iris.csv')).toBe('iris.csv');
    expect(payloadName('a:b?.csv')).toBe('a_b_.csv');
    expect(payloadName('..')).toBe('data.csv');
    expect(payloadName('trailing. ')).toBe('trailing');
  });

  it('says what a column gives as the target', () => {
    const s = summarizeCsv(IRIS, 'iris.csv');
    if (!s.ok) throw new Error(s.message);
    const [sepal, , , , species] = s.summary.columns;
    expect(columnContents(species)).toBe('text, 3 values (setosa, versicolor, virginica)');
    expect(columnContents(sepal)).toBe('numbers, 4 values (5.1, 7.0, 6.3, …)');
    expect(targetLabel({ task: 'classification', classes: 3 })).toBe('3 classes');
    expect(targetLabel({ task: 'regression' })).toBe('a number');
    expect(trainingOutline(s.summary, 'species')).toBe(
      '4 rows. The network gets 4 inputs per row and predicts which of 3 classes “species” is.',
    );
    expect(trainingOutline(s.summary, 'sepal_length')).toBe(
      '4 rows. The network gets 4 inputs per row and predicts the number “sepal_length”.',
    );
  });
});

describe('the design and its CSV file', () => {
  it('using the file is one undoable edit; its columns give the shapes the editor checks', async () => {
    const editor = new EditorState();
    editor.load(spiralNet());
    editor.csv.picked = await picked(IRIS, 'iris.csv');
    expect(editor.run('use CSV data', (d) => useCsvData(d, { path: 'iris.csv', target: 'species' }))).toBe(
      true,
    );
    expect(editor.design.data).toEqual({ source: 'csv', path: 'iris.csv', target: 'species' });
    // The input still takes 2 values: the shared graph rules say so, in words.
    expect(editor.analysis.trainable).toBe(false);
    expect(editor.analysis.problems.map((p) => p.message)).toEqual([
      'in: shape 2 but the data set gives 4 examples — set shape to [4]',
    ]);
    expect(editor.analysis.shapes.get('out')).toEqual([3]);

    expect(editor.store.undo()).toBe(true);
    expect(editor.design.data.source).toBe('builtin');
    expect(editor.analysis.trainable).toBe(true);
    expect(editor.store.redo()).toBe(true);

    // With the input shape fixed in the same edit, it trains; predicting a measurement makes one output.
    editor.run('use CSV data', (d) => useCsvData(d, { path: 'iris.csv', target: 'species' }, [4]));
    expect(editor.analysis.trainable).toBe(true);
    editor.store.undo();
    expect(editor.design.graph.nodes[0].params.shape).toEqual([2]);
    expect(editor.design.data).toMatchObject({ source: 'csv', target: 'species' });
  });

  it('goes with Train and Export while the design reads it, and is forgotten when another design opens', async () => {
    const sent: EngineRequest[] = [];
    const client: EngineClient = {
      send: (request) => {
        sent.push(request);
        if (request.type === 'export.initial') {
          const reply: EngineEvent = {
            type: 'export.onResult',
            requestId: request.requestId,
            result: { ok: true, value: { format: 'tfjs', designName: 'x', trained: false, files: [] } },
          };
          queueMicrotask(() => listeners.forEach((l) => l(reply)));
        }
      },
      listen: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
      restart: async () => {},
      dispose: () => {},
    };
    const listeners = new Set<(event: EngineEvent) => void>();
    const editor = new EditorState();
    editor.load(spiralNet());
    const files = new FileSession(editor, createBrowserFileHost({} as Document));
    files.host.saveExport = async () => ({ ok: true, value: { fileName: 'x.zip', path: '' } });
    const models = new ModelFiles(files, editor, new EngineCalls(client), () => null);
    const iris = await picked(IRIS, 'iris.csv', 'data/iris.csv');
    editor.csv.picked = iris;
    editor.run('use CSV data', (d) => useCsvData(d, { path: 'data/iris.csv', target: 'species' }, [4]));

    const training = new TrainingSession(client);
    training.train(editor.design, undefined, editor.csv.payload(editor.design.data));
    expect(await models.export('tfjs', 'initial')).toBe(true);
    const dataFiles = sent.map((r) => ('dataFile' in r ? r.dataFile : undefined));
    expect(sent.map((r) => r.type)).toEqual(['train.start', 'export.initial']);
    expect(dataFiles).toEqual([
      { name: 'iris.csv', bytes: iris.bytes },
      { name: 'iris.csv', bytes: iris.bytes },
    ]);
    // Never in the design file.
    expect(serializeDesign(editor.design)).not.toContain('setosa');

    // A built-in data set does not read the file; undoing back to it sends nothing.
    editor.store.undo();
    expect(editor.csv.payload(editor.design.data)).toBeUndefined();
    editor.store.redo();
    expect(editor.csv.payload(editor.design.data)).toBeDefined();

    editor.load(spiralNet());
    expect(editor.csv.picked).toBeNull();
    training.dispose();
  });

  it('is asked for when the design reads a file the page does not hold and no folder does', async () => {
    const data = { source: 'csv' as const, path: 'data/iris.csv', target: 'species' };
    const browser = { host: 'browser' as const, fileName: 'iris.backflow.json' };
    const held = await picked(IRIS, 'iris.csv', 'data/iris.csv');
    expect(missingCsv(data, null, browser)).toBe('This design reads data/iris.csv: choose the file');
    expect(missingCsv(data, held, browser)).toBeNull();
    expect(missingCsv({ ...data, path: 'other.csv' }, held, browser)).toBe(
      'This design reads other.csv: choose the file',
    );
    // The desktop app reads the file beside a saved design; an unsaved one has no folder.
    expect(missingCsv(data, null, { host: 'electron', fileName: 'iris.backflow.json' })).toBeNull();
    expect(missingCsv(data, null, { host: 'electron', fileName: null })).toBe(
      'This design reads data/iris.csv: choose the file',
    );
    expect(missingCsv(emptyDesign().data, null, browser)).toBeNull();
  });
});
