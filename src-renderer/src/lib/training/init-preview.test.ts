/**
 * The live preview's bookkeeping, with the engine played by the test: one
 * request per pause in the edits, none for a move, answers to older requests
 * dropped, an untrainable design clearing the preview, and a remedy's preview
 * computed on the remedied design and dropped when the pointer leaves first.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shapeContext } from '../../../../src-shared/design/datasets';
import { parseDesign } from '../../../../src-shared/design/parse';
import type { Design } from '../../../../src-shared/design/types';
import { swapToReluHeRemedy } from '../../../../src-shared/diagnosis';
import { analyzeGraph } from '../../../../src-shared/graph';
import type { EngineResult, InitPreview } from '../../../../src-shared/protocol';
import { LAYER_STAT_FIELDS, LAYER_STAT_STRIDE } from '../../../../src-shared/telemetry';
import { InitPreviewState, PREVIEW_DEBOUNCE_MS } from './init-preview.svelte';

/** A chain of `depth` sigmoid layers on spiral data. */
function sigmoidChain(depth: number, units = 8): Design {
  const nodes: object[] = [{ id: 'in', type: 'input', params: { shape: [2] }, position: { x: 0, y: 0 } }];
  const edges: object[] = [];
  for (let i = 1; i <= depth + 1; i++) {
    const id = i > depth ? 'out' : `d${i}`;
    nodes.push(
      i > depth
        ? { id, type: 'output', params: {} }
        : {
            id,
            type: 'dense',
            params: { units, activation: 'sigmoid', kernelInitializer: 'standardUniform' },
          },
    );
    edges.push({ id: `e${i}`, source: i === 1 ? 'in' : `d${i - 1}`, target: id });
  }
  const parsed = parseDesign(
    JSON.stringify({
      format: 'backflow.design',
      formatVersion: 1,
      name: 'chain',
      graph: { nodes, edges },
      data: { source: 'builtin', name: 'spiral', samples: 90, classes: 3 },
      training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 16, epochs: 1, seed: 1 },
    }),
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.design;
}

/** Step 0 as the engine would send it: ‖∂L/∂h‖ falling by `shrink` per layer towards the input. */
function answer(design: Design, shrink: number): InitPreview {
  const layers = design.graph.nodes
    .filter((n) => n.type !== 'input')
    .map((n) => ({ id: n.id, type: n.type }));
  const stats = new Float32Array(layers.length * LAYER_STAT_STRIDE).fill(NaN);
  const at = (field: string) => LAYER_STAT_FIELDS.indexOf(field as never);
  layers.forEach((_, l) => {
    const value = shrink ** -(layers.length - 1 - l);
    stats[l * LAYER_STAT_STRIDE + at('gradNorm')] = value;
    stats[l * LAYER_STAT_STRIDE + at('outGradNorm')] = value;
    stats[l * LAYER_STAT_STRIDE + at('activationMean')] = 0.5;
    stats[l * LAYER_STAT_STRIDE + at('activationStd')] = 0.1;
  });
  return { step: 0, epoch: 0, loss: 1.1, accuracy: 0.3, stats, layers, seed: 1, batchSize: 16 };
}

/** The engine, played: every request waits until the test answers it. */
function fakeEngine() {
  const asked: { design: Design; resolve: (result: EngineResult<InitPreview>) => void }[] = [];
  const request = (designText: string) =>
    new Promise<EngineResult<InitPreview>>((resolve) => {
      const parsed = parseDesign(designText);
      if (!parsed.ok) throw new Error(parsed.error.message);
      asked.push({ design: parsed.design, resolve });
    });
  return { asked, request };
}

const analysed = (design: Design) =>
  [design, analyzeGraph(design.graph, shapeContext(design)), shapeContext(design)] as const;

describe('InitPreviewState', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks once per pause in the edits, and shows only the latest answer', async () => {
    const engine = fakeEngine();
    const state = new InitPreviewState(engine.request);
    const ten = sigmoidChain(10);
    const twelve = sigmoidChain(12);
    state.update(...analysed(ten));
    vi.advanceTimersByTime(PREVIEW_DEBOUNCE_MS - 1);
    state.update(...analysed(sigmoidChain(11)));
    vi.advanceTimersByTime(PREVIEW_DEBOUNCE_MS);
    expect(engine.asked).toHaveLength(1); // the edit to 10 layers was never asked about
    state.update(...analysed(twelve));
    vi.advanceTimersByTime(PREVIEW_DEBOUNCE_MS);
    // Asked once the first is answered; that answer (for 11 layers) is stale and dropped.
    engine.asked[0].resolve({ ok: true, value: answer(sigmoidChain(11), 7) });
    await vi.runAllTimersAsync();
    expect(state.current).toBeNull();
    expect(engine.asked.map((a) => a.design.graph.nodes.length)).toEqual([13, 14]);
    engine.asked[1].resolve({ ok: true, value: answer(twelve, 7) });
    await vi.runAllTimersAsync();
    expect(state.pending).toBe(false);
    expect(state.current?.record.layers).toHaveLength(13);
    expect(state.current?.flow?.text).toMatch(
      /^d1 gets 10⁻⁹ of d12's gradient at initialisation: it will not learn/,
    );
    expect(state.current?.findings.map((f) => f.kind)).toContain('vanishing');
    expect(state.tint.colour('d1')).toMatch(/^rgb\(/);
  });

  it('keeps one request in flight: edits meanwhile wait, and only the latest is asked about', async () => {
    const engine = fakeEngine();
    const state = new InitPreviewState(engine.request);
    state.update(...analysed(sigmoidChain(3)));
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    for (const depth of [4, 5, 6]) {
      state.update(...analysed(sigmoidChain(depth)));
      await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    }
    expect(engine.asked).toHaveLength(1); // the engine is busy with the first
    engine.asked[0].resolve({ ok: true, value: answer(sigmoidChain(3), 2) });
    await vi.runAllTimersAsync();
    expect(engine.asked.map((a) => a.design.graph.nodes.length)).toEqual([5, 8]); // 4 and 5 were skipped
    expect(state.current).toBeNull(); // the first answer was stale
    engine.asked[1].resolve({ ok: true, value: answer(engine.asked[1].design, 2) });
    await vi.runAllTimersAsync();
    expect(state.current?.record.layers).toHaveLength(7);
    expect(state.pending).toBe(false);
  });

  it('asks nothing for a move, and clears the preview of an untrainable design', async () => {
    const engine = fakeEngine();
    const state = new InitPreviewState(engine.request);
    const design = sigmoidChain(3);
    state.update(...analysed(design));
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    engine.asked[0].resolve({ ok: true, value: answer(design, 2) });
    await vi.runAllTimersAsync();
    const moved: Design = {
      ...design,
      graph: { ...design.graph, nodes: design.graph.nodes.map((n) => ({ ...n, position: { x: 5, y: 9 } })) },
    };
    state.update(...analysed(moved));
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    expect(engine.asked).toHaveLength(1);
    expect(state.current?.design).toBe(moved);
    const broken: Design = { ...design, graph: { ...design.graph, edges: design.graph.edges.slice(1) } };
    state.update(...analysed(broken));
    expect(state.current).toBeNull();
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    expect(engine.asked).toHaveLength(1);
  });

  it('says why the engine refused a design, and asks again when told to', async () => {
    const engine = fakeEngine();
    const state = new InitPreviewState(engine.request);
    state.update(...analysed(sigmoidChain(3)));
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    engine.asked[0].resolve({ ok: false, error: { type: 'data', message: 'data: no file' } });
    await vi.runAllTimersAsync();
    expect(state.error).toBe('data: no file');
    expect(state.current).toBeNull();
    // Asked again (the engine is back): the same design, a fresh request.
    state.retry();
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    expect(engine.asked).toHaveLength(2);
    engine.asked[1].resolve({ ok: true, value: answer(engine.asked[1].design, 2) });
    await vi.runAllTimersAsync();
    expect(state.error).toBeNull();
    expect(state.current?.record.layers).toHaveLength(4);
    state.retry(); // nothing to retry
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    expect(engine.asked).toHaveLength(2);
  });

  it('previews a remedy on the remedied design, and drops it when the pointer has left', async () => {
    const engine = fakeEngine();
    const state = new InitPreviewState(engine.request);
    const design = sigmoidChain(6);
    state.update(...analysed(design));
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    engine.asked[0].resolve({ ok: true, value: answer(design, 7) });
    await vi.runAllTimersAsync();
    const fix = swapToReluHeRemedy(design, ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'])!;
    state.previewRemedy(fix);
    expect(engine.asked).toHaveLength(2);
    const asked = engine.asked[1].design.graph.nodes.find((n) => n.id === 'd1')!.params;
    expect(asked).toMatchObject({ activation: 'relu', kernelInitializer: 'heNormal' });
    engine.asked[1].resolve({ ok: true, value: answer(engine.asked[1].design, 1) });
    await vi.runAllTimersAsync();
    expect(state.remedy?.preview?.flow?.severity).toBe('ok');
    // The shared scale holds both designs' values.
    const scale = state.scale('both', state.remedy?.preview)!;
    expect(scale.minDecade).toBeLessThanOrEqual(Math.floor(Math.log10(7 ** -6)));
    // Left before the answer: it is dropped.
    state.previewRemedy(null);
    state.previewRemedy(fix);
    state.previewRemedy(null);
    engine.asked[2].resolve({ ok: true, value: answer(engine.asked[2].design, 1) });
    await vi.runAllTimersAsync();
    expect(state.remedy).toBeNull();
  });
});
