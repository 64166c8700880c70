/**
 * The float64 reference forward pass of a whole design. It reuses only the
 * graph analysis (topological order, params with defaults, input order) and
 * the engine's initial weights; every value is recomputed by reference/ops,
 * so a wrong op in the engine cannot hide behind a shared implementation.
 */
import type { Design } from '../../../src-shared/design/types';
import { analyzeGraph, orderedInputs } from '../../../src-shared/graph';
import type { Activation } from '../../../src-shared/layers/activations';
import type { Params } from '../../../src-shared/layers/types';
import * as op from './ops';
import type { T, Window } from './ops';

/** One node as the reference runs it. */
export interface ReferenceNode {
  id: string;
  type: string;
  params: Params;
  inputs: string[];
}

/** Everything a reference forward pass needs; `weights` may be perturbed in place. */
export interface ReferenceModel {
  nodes: ReferenceNode[];
  /** Keyed `nodeId/kernel`, `nodeId/bias`, `nodeId/gamma`, `nodeId/beta`, as snapshotWeights names them. */
  weights: Map<string, Float64Array>;
  x: T;
  y: T;
  lossName: string;
}

/** Adds `delta` to element `index` of node `nodeId`'s output, before any consumer reads it. */
export interface OutputPerturbation {
  nodeId: string;
  index: number;
  delta: number;
}

/** The result of a reference forward pass. */
export interface ReferenceForward {
  loss: number;
  /** Each node's output (logits for `output`). */
  outputs: Map<string, T>;
  /** Pre-activation z of nodes that apply a non-linear activation. */
  pre: Map<string, T>;
}

/** Builds the reference model of `design` on data (x, y) with the given initial weights. */
export function referenceModel(
  design: Design,
  weights: Map<string, { values: Float32Array }>,
  x: T,
  y: T,
): ReferenceModel {
  const outputUnits = y.shape[1];
  const analysis = analyzeGraph(design.graph, { outputUnits, dataInputShape: x.shape.slice(1) });
  if (!analysis.trainable) throw new Error(analysis.problems.map((p) => p.message).join('; '));
  const nodes = analysis.order.map((id) => ({
    id,
    type: design.graph.nodes.find((n) => n.id === id)!.type,
    params: analysis.params.get(id)!,
    inputs: orderedInputs(design.graph, id).map((e) => e.source),
  }));
  const copy = new Map([...weights].map(([k, v]) => [k, Float64Array.from(v.values)]));
  const output = nodes.find((n) => n.type === 'output')!;
  return { nodes, weights: copy, x, y, lossName: output.params.loss as string };
}

function pair(value: Params[string]): [number, number] {
  return typeof value === 'number' ? [value, value] : [(value as number[])[0], (value as number[])[1]];
}

/** Runs the model; with `perturb`, one output element is shifted (for ∂L/∂output by finite differences). */
export function referenceForward(model: ReferenceModel, perturb?: OutputPerturbation): ReferenceForward {
  const outputs = new Map<string, T>();
  const pre = new Map<string, T>();
  for (const node of model.nodes) {
    const p = node.params;
    const ins = node.inputs.map((id) => outputs.get(id)!);
    const w = (role: string) => model.weights.get(`${node.id}/${role}`);
    const activation = (z: T, name: Activation): T => {
      if (name === 'linear') return z;
      pre.set(node.id, z);
      return op.map(z, (v) => op.activate(name, v, p.alpha as number));
    };
    const window = (sizeKey: string): Window => ({
      size: pair(p[sizeKey]),
      strides: pair(p.strides),
      padding: p.padding as string,
    });
    let out: T;
    switch (node.type) {
      case 'input':
        out = model.x;
        break;
      case 'dense':
        out = activation(
          op.dense(ins[0], w('kernel')!, w('bias'), p.units as number),
          p.activation as Activation,
        );
        break;
      case 'output':
        out = op.dense(ins[0], w('kernel')!, w('bias'), model.y.shape[1]);
        break;
      case 'conv2d': {
        const z = op.conv2d(ins[0], w('kernel')!, w('bias'), p.filters as number, window('kernelSize'));
        out = activation(z, p.activation as Activation);
        break;
      }
      case 'maxPooling2d':
      case 'averagePooling2d':
        out = op.pool(ins[0], node.type === 'maxPooling2d' ? 'max' : 'avg', window('poolSize'));
        break;
      case 'flatten':
        out = { shape: [ins[0].shape[0], ins[0].data.length / ins[0].shape[0]], data: ins[0].data };
        break;
      case 'dropout':
        // Training-mode masks are random; the reference covers the deterministic rate-0 case only.
        if (p.rate !== 0) throw new Error(`reference dropout supports rate 0 only (${node.id})`);
        out = ins[0];
        break;
      case 'activation':
        out = activation(ins[0], p.activation as Activation);
        break;
      case 'batchNormalization':
        out = op.batchNorm(ins[0], w('gamma')!, w('beta')!, p.epsilon as number);
        break;
      case 'layerNormalization':
        out = op.layerNorm(ins[0], w('gamma')!, w('beta')!, p.epsilon as number);
        break;
      case 'add':
        out = op.add(ins);
        break;
      case 'concatenate':
        if (p.axis !== -1 && p.axis !== ins[0].shape.length - 1)
          throw new Error('reference concat: last axis only');
        out = op.concatLast(ins);
        break;
      default:
        throw new Error(`reference: unknown layer type ${node.type}`);
    }
    if (perturb && perturb.nodeId === node.id) {
      // Copy so the perturbation never leaks into a tensor shared with another node (input, flatten).
      out = { shape: out.shape, data: Float64Array.from(out.data) };
      out.data[perturb.index] += perturb.delta;
    }
    outputs.set(node.id, out);
  }
  const logits = outputs.get(model.nodes.find((n) => n.type === 'output')!.id)!;
  return { loss: op.loss(model.lossName, logits, model.y), outputs, pre };
}
