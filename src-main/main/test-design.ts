/** A small valid design for the main process's tests (no renderer code may be imported here). */
import { CURRENT_FORMAT_VERSION, DESIGN_FORMAT, type Design } from '../../src-shared/design/index';

export function emptyTestDesign(name: string): Design {
  return {
    format: DESIGN_FORMAT,
    formatVersion: CURRENT_FORMAT_VERSION,
    name,
    graph: { nodes: [], edges: [] },
    data: { source: 'builtin', name: 'spiral', samples: 600, classes: 3, noise: 0.1 },
    training: { optimizer: 'adam', learningRate: 0.01, batchSize: 64, epochs: 20, seed: 42 },
  };
}
