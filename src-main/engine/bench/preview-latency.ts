/**
 * How long the gradient-at-initialisation preview takes after an edit: a
 * 50-layer MLP, one layer's activation, initializer or width changed, and the
 * time from the `preview.init` request to its answer through the engine
 * service (design parse, data, graph analysis, network build, the step and
 * its statistics). The page adds its debounce and the transport on top. The
 * target is 300 ms on the development machines (docs: product.md).
 */
import { serializeDesign } from '../../../src-shared/design/serialize';
import type { Design, DesignNode } from '../../../src-shared/design/types';
import type { EngineEvent } from '../../../src-shared/protocol';
import { createEngineService } from '../service';

/** The edits timed, in turn, on the middle layer. */
export const PREVIEW_EDITS = ['activation', 'initializer', 'width'] as const;
export type PreviewEdit = (typeof PREVIEW_EDITS)[number];

export interface PreviewLatencyResult {
  description: string;
  /** Median milliseconds from request to answer, per kind of edit. */
  medianMs: Record<PreviewEdit, number>;
  /** The slowest answer of all. */
  maxMs: number;
  /** Previews timed per kind of edit. */
  repeats: number;
}

const DEPTH = 50;
const WIDTH = 64;
const EDITED = `d${DEPTH / 2}`;

/** The 50×64 sigmoid MLP on spiral data the figure is about (batch 64, as the W workloads). */
export function previewDesign(): Design {
  const nodes: DesignNode[] = [{ id: 'in', type: 'input', params: { shape: [2] } }];
  for (let i = 1; i <= DEPTH; i++)
    nodes.push({
      id: `d${i}`,
      type: 'dense',
      params: { units: WIDTH, activation: 'sigmoid', kernelInitializer: 'standardUniform' },
    });
  nodes.push({ id: 'out', type: 'output', params: { loss: 'softmaxCrossEntropy' } });
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }));
  return {
    format: 'backflow.design',
    formatVersion: 1,
    name: 'preview 50x64 sigmoid',
    graph: { nodes, edges },
    data: { source: 'builtin', name: 'spiral', samples: 600, classes: 3, noise: 0.1 },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 64, epochs: 20, seed: 1 },
  } as Design;
}

/** `design` with the middle layer's `edit` toggled (so consecutive edits alternate two values). */
export function edited(design: Design, edit: PreviewEdit): Design {
  const nodes = design.graph.nodes.map((node) => {
    if (node.id !== EDITED || node.type !== 'dense') return node;
    const p = node.params;
    const params =
      edit === 'activation'
        ? { ...p, activation: p.activation === 'sigmoid' ? 'relu' : 'sigmoid' }
        : edit === 'initializer'
          ? { ...p, kernelInitializer: p.kernelInitializer === 'heNormal' ? 'standardUniform' : 'heNormal' }
          : { ...p, units: p.units === WIDTH ? WIDTH + 32 : WIDTH };
    return { ...node, params } as DesignNode;
  });
  return { ...design, graph: { ...design.graph, nodes } };
}

/** Times `repeats` previews per kind of edit, after two untimed ones (the backend's first use). */
export async function measurePreviewLatency(options: {
  repeats: number;
  onProgress?: (text: string) => void;
}): Promise<PreviewLatencyResult> {
  let answer: ((event: EngineEvent) => void) | undefined;
  const service = createEngineService((event) => answer?.(event));
  let nextId = 1;
  const preview = async (design: Design): Promise<number> => {
    const requestId = nextId++;
    const designText = serializeDesign(design);
    const answered = new Promise<EngineEvent>((resolve) => (answer = resolve));
    const started = performance.now();
    await service.handle({ type: 'preview.init', requestId, designText });
    const event = await answered;
    const ms = performance.now() - started;
    if (event.type !== 'preview.onResult' || event.requestId !== requestId)
      throw new Error(`preview bench: unexpected answer ${event.type}`);
    if (!event.result.ok) throw new Error(`preview bench: ${event.result.error.message}`);
    return ms;
  };
  try {
    let design = previewDesign();
    await preview(design);
    await preview(design);
    const times: Record<PreviewEdit, number[]> = { activation: [], initializer: [], width: [] };
    for (let round = 0; round < options.repeats; round++) {
      for (const edit of PREVIEW_EDITS) {
        design = edited(design, edit);
        times[edit].push(await preview(design));
      }
      options.onProgress?.(`preview round ${round + 1}/${options.repeats}`);
    }
    const all = Object.values(times).flat();
    return {
      description: `${DEPTH}×${WIDTH} sigmoid MLP, batch 64: ${EDITED}'s activation, initializer or width changed`,
      medianMs: {
        activation: median(times.activation),
        initializer: median(times.initializer),
        width: median(times.width),
      },
      maxMs: Math.max(...all),
      repeats: options.repeats,
    };
  } finally {
    service.dispose();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
