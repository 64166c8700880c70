/**
 * Helpers for engine tests: small designs built in code and prepared the way
 * a run is, so tests exercise the same path as the CLI and the worker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDesign, serializeDesign, type Design } from '../../src-shared/design';
import { prepareRun, type PreparedRun } from './prepare-run';

export const EXAMPLES_DIR = join(__dirname, '../../resources/examples');

/** An MLP design on spiral data: `layers` dense layers of `units` with `activation`. */
export function mlpDesign(options: {
  layers: number;
  units: number;
  activation: string;
  initializer?: string;
  batchSize?: number;
  learningRate?: number;
  optimizer?: string;
  samples?: number;
  seed?: number;
}): Design {
  const nodes: object[] = [{ id: 'in', type: 'input', params: { shape: [2] } }];
  const edges: object[] = [];
  let previous = 'in';
  for (let i = 1; i <= options.layers; i++) {
    nodes.push({
      id: `d${i}`,
      type: 'dense',
      params: {
        units: options.units,
        activation: options.activation,
        kernelInitializer: options.initializer ?? 'glorotUniform',
      },
    });
    edges.push({ id: `e${i}`, source: previous, target: `d${i}` });
    previous = `d${i}`;
  }
  nodes.push({ id: 'out', type: 'output', params: {} });
  edges.push({ id: 'eout', source: previous, target: 'out' });
  return designFrom({
    format: 'backflow.design',
    formatVersion: 1,
    name: 'test MLP',
    graph: { nodes, edges },
    data: { source: 'builtin', name: 'spiral', samples: options.samples ?? 120, classes: 3, noise: 0.1 },
    training: {
      optimizer: options.optimizer ?? 'sgd',
      learningRate: options.learningRate ?? 0.1,
      batchSize: options.batchSize ?? 16,
      epochs: 5,
      seed: options.seed ?? 7,
      validationSplit: 0.25,
    },
  });
}

/** Parses a design object as the app would, failing the test on any problem. */
export function designFrom(document: object): Design {
  const parsed = parseDesign(JSON.stringify(document));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.design;
}

export function readExample(name: string): Design {
  return designFrom(JSON.parse(readFileSync(join(EXAMPLES_DIR, name), 'utf8')));
}

/** Prepares a run (data loaded, graph checked) from a design object. */
export async function prepared(design: Design, seed?: number): Promise<PreparedRun> {
  const result = await prepareRun(serializeDesign(design), { designDir: EXAMPLES_DIR, seed });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
