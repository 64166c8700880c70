/**
 * What a training step of a design costs depends on its shape, not its names:
 * layer types and parameters, wiring, batch size, optimizer and the data's
 * shape. Designs with equal signatures cost the same per step, so `auto`'s
 * timed choice of a backend is kept under it: in the engine
 * (engine/auto-trial.ts, with the data's loaded shapes) and in Electron's
 * main, which chooses between the worker and the GPU page before any data is
 * loaded (main/engine-auto.ts, with the design's data section instead).
 */
import type { Design } from './types';

/** The signature of `design` on data described by `data` (any JSON value that fixes its shape). */
export function costSignature(design: Design, data: unknown): string {
  const index = new Map(design.graph.nodes.map((n, i) => [n.id, i]));
  return JSON.stringify({
    nodes: design.graph.nodes.map((n) => [n.type, n.params]),
    edges: design.graph.edges.map((e) => [index.get(e.source), index.get(e.target), e.targetHandle ?? null]),
    batchSize: design.training.batchSize,
    optimizer: design.training.optimizer,
    data,
  });
}
