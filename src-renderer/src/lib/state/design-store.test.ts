import { describe, expect, it } from 'vitest';
import { parseDesign } from '../../../../src-shared/design/parse';
import { serializeDesign } from '../../../../src-shared/design/serialize';
import type { Design } from '../../../../src-shared/design/types';
import { shapeContext } from '../../../../src-shared/design/datasets';
import {
  addAfter,
  addLayer,
  connect,
  moveNodes,
  removeElements,
  renameDesign,
  setInput,
  setParam,
  setTrainable,
  type EditResult,
} from '../model/edits';
import { extractFragment, insertFragment, parseFragment, serializeFragment } from '../model/fragment';
import { layoutGraph } from '../model/layout';
import { insertResidualBlock, wrapInResidual } from '../model/residual';
import { DesignStore, emptyDesign } from './design-store.svelte';

/** input → dense1 → dense2 → out, built with the editor's own edits. */
function chainDesign(): Design {
  const store = new DesignStore();
  const ctx = shapeContext(store.design);
  store.apply('add', (d) => addLayer(d, 'input', { x: 0, y: 0 }));
  store.apply('add', (d) => addAfter(d, 'dense', 'in1', ctx));
  store.apply('add', (d) => addAfter(d, 'dense', 'dense1', ctx));
  store.apply('add', (d) => addAfter(d, 'output', 'dense2', ctx));
  return store.design;
}

const STEP = { x: 230, y: 0 };

/** Every kind of edit the editor makes, applied to the chain design. */
const EDITS: Record<string, (d: Design) => EditResult> = {
  'add a layer': (d) => addLayer(d, 'dropout', { x: 50, y: 300 }),
  'add after (splice)': (d) => addAfter(d, 'batchNormalization', 'dense1', shapeContext(d)),
  'delete a node': (d) => removeElements(d, ['dense1'], []),
  'delete an edge': (d) => removeElements(d, [], [d.graph.edges[1].id]),
  connect: (d) => {
    const cut = removeElements(d, [], [d.graph.edges[0].id]);
    if (!cut.ok) return cut;
    return connect(cut.design, { source: 'in1', target: 'dense1' }, shapeContext(d));
  },
  'rewire an input': (d) => setInput(d, 'dense2', undefined, 'in1', shapeContext(d)),
  'disconnect an input': (d) => setInput(d, 'dense2', undefined, null, shapeContext(d)),
  'set a param': (d) => setParam(d, 'dense1', 'units', 128),
  'set an initializer with argument': (d) =>
    setParam(d, 'dense2', 'kernelInitializer', { name: 'randomNormal', stddev: 0.1 }),
  'freeze a layer': (d) => setTrainable(d, 'dense1', false),
  move: (d) => moveNodes(d, new Map([['dense2', { x: 400, y: 77 }]])),
  rename: (d) => renameDesign(d, 'Renamed'),
  duplicate: (d) => insertFragment(d, extractFragment(d, ['dense1', 'dense2']), { x: 40, y: 40 }),
  paste: (d) => {
    const parsed = parseFragment(serializeFragment(extractFragment(d, ['in1', 'dense1'])));
    return parsed.ok
      ? insertFragment(d, parsed.fragment, { x: 0, y: 200 })
      : { ok: false, message: parsed.message };
  },
  'auto-layout': (d) => moveNodes(d, layoutGraph(d.graph, 'TB')),
  'residual block after a node': (d) =>
    insertResidualBlock(d, { x: 0, y: 300 }, STEP, shapeContext(d), undefined, 'dense1'),
  'residual block on its own': (d) => insertResidualBlock(d, { x: 0, y: 300 }, STEP, shapeContext(d)),
  'wrap in residual': (d) => wrapInResidual(d, ['dense2'], STEP),
};

describe('DesignStore and history', () => {
  for (const [name, edit] of Object.entries(EDITS)) {
    it(`${name}: undo gives back the identical document, redo the edited one`, () => {
      const store = new DesignStore(chainDesign());
      const before = store.design;
      const snapshot = structuredClone(before);
      const result = store.apply(name, edit);
      expect(result).toMatchObject({ ok: true, changed: true });
      const after = store.design;
      const afterSnapshot = structuredClone(after);
      expect(after).not.toStrictEqual(before);
      // The edited document is one the file parser accepts.
      const reparsed = parseDesign(serializeDesign(after));
      expect(reparsed.ok, reparsed.ok ? '' : reparsed.error.message).toBe(true);

      expect(store.undo()).toBe(true);
      expect(store.design).toStrictEqual(snapshot);
      expect(serializeDesign(store.design)).toBe(serializeDesign(before));
      expect(store.redo()).toBe(true);
      expect(store.design).toStrictEqual(afterSnapshot);
      expect(store.undo()).toBe(true);
      expect(store.design).toStrictEqual(snapshot);
    });
  }

  it('a drag is one undo step however many moves it records', () => {
    const store = new DesignStore(chainDesign());
    const start = structuredClone(store.design);
    store.beginGesture('move');
    for (let i = 1; i <= 20; i++)
      store.apply('move', (d) => moveNodes(d, new Map([['dense1', { x: i * 10, y: i }]])));
    store.endGesture();
    expect(store.history.depth).toBe(1);
    expect(store.design.graph.nodes.find((n) => n.id === 'dense1')?.position).toEqual({ x: 200, y: 20 });
    store.undo();
    expect(store.design).toStrictEqual(start);
    expect(store.history.canUndo).toBe(false);
    store.redo();
    expect(store.design.graph.nodes.find((n) => n.id === 'dense1')?.position).toEqual({ x: 200, y: 20 });
  });

  it('a gesture that changes nothing leaves no step', () => {
    const store = new DesignStore(chainDesign());
    store.beginGesture('move');
    store.endGesture();
    expect(store.history.depth).toBe(0);
  });

  it('a failing edit leaves the document and the history untouched', () => {
    const store = new DesignStore(chainDesign());
    const before = store.design;
    const refused = store.apply('param', (d) => setParam(d, 'dense1', 'units', 0));
    expect(refused.ok).toBe(false);
    const thrown = store.apply('boom', () => {
      throw new Error('defect');
    });
    expect(thrown).toEqual({ ok: false, message: 'boom failed: defect' });
    expect(store.design).toBe(before);
    expect(store.history.depth).toBe(0);
  });

  it('a cycle is refused with the graph rules’ reason', () => {
    const store = new DesignStore(chainDesign());
    const result = store.apply('connect', (d) =>
      connect(d, { source: 'dense2', target: 'dense1' }, shapeContext(d)),
    );
    expect(result.ok).toBe(false);
    expect(store.history.depth).toBe(0);
  });

  it('a new edit drops the redo stack; loading clears the history', () => {
    const store = new DesignStore(chainDesign());
    store.apply('rename', (d) => renameDesign(d, 'A'));
    store.undo();
    expect(store.history.canRedo).toBe(true);
    store.apply('rename', (d) => renameDesign(d, 'B'));
    expect(store.history.canRedo).toBe(false);
    store.load(emptyDesign());
    expect(store.history.canUndo).toBe(false);
    expect(store.design.graph.nodes).toHaveLength(0);
  });

  it('several steps undo in reverse order back to the start', () => {
    const store = new DesignStore(chainDesign());
    const start = structuredClone(store.design);
    const edits = Object.entries(EDITS);
    for (const [name, edit] of edits) store.apply(name, edit);
    expect(store.history.depth).toBeGreaterThan(5);
    const end = structuredClone(store.design);
    while (store.undo());
    expect(store.design).toStrictEqual(start);
    while (store.redo());
    expect(store.design).toStrictEqual(end);
  });
});

describe('emptyDesign', () => {
  it('is already what parseDesign returns for it, so a new design saves to stable bytes', () => {
    const design = emptyDesign();
    const parsed = parseDesign(serializeDesign(design));
    expect(parsed.ok && parsed.design).toEqual(design);
  });
});
