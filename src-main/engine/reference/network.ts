/**
 * The float64 reference forward pass of a whole design. It reuses only the
 * graph analysis (topological order, params with defaults, input order), the
 * catalogue's weight description and the engine's initial weights; every
 * value is recomputed by reference/ops, so a wrong op in the engine cannot
 * hide behind a shared implementation.
 */
import type { Design } from '../../../src-shared/design/types';
import { analyzeGraph, orderedInputs } from '../../../src-shared/graph';
import type { Activation } from '../../../src-shared/layers/activations';
import { layerWeights, type TypedLayer } from '../../../src-shared/layers';
import { pair } from '../../../src-shared/layers/params';
import type { Padding } from '../../../src-shared/layers/conv2d';
import * as op from './ops';
import type { T, Window } from './ops';

/** One node as the reference runs it: its layer (type and typed params), id and input ids. */
export type ReferenceNode = TypedLayer & {
  id: string;
  inputs: string[];
};

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
  /**
   * Only these input edges (consumer node id, input slot) see the perturbed
   * output; every other reader sees the original. For the gradient that
   * reaches a node along some of its outgoing edges (one path of a merge).
   */
  readers?: readonly { node: string; slot: number }[];
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
  const nodes: ReferenceNode[] = analysis.order.map((id) => ({
    ...analysis.layers.get(id)!,
    id,
    inputs: orderedInputs(design.graph, id).map((e) => e.source),
  }));
  // The engine's weights must be exactly the ones the catalogue describes, name for name and shape for shape.
  for (const node of nodes) {
    const expected = layerWeights(node, analysis.inputShapes.get(node.id)!, analysis.shapes.get(node.id)!);
    for (const w of expected) {
      const key = `${node.id}/${w.role}`;
      const size = w.shape.reduce((a, b) => a * b, 1);
      const found = weights.get(key);
      if (!found || found.values.length !== size)
        throw new Error(
          `reference: weight ${key} [${w.shape.join(', ')}] is ${found ? 'of another size' : 'missing'}`,
        );
    }
  }
  const copy = new Map([...weights].map(([k, v]) => [k, Float64Array.from(v.values)]));
  const output = nodes.find((n) => n.type === 'output')!;
  return { nodes, weights: copy, x, y, lossName: output.type === 'output' ? output.params.loss : '' };
}

/** Runs the model; with `perturb`, one output element is shifted (for ∂L/∂output by finite differences). */
export function referenceForward(model: ReferenceModel, perturb?: OutputPerturbation): ReferenceForward {
  const outputs = new Map<string, T>();
  const pre = new Map<string, T>();
  for (const node of model.nodes) {
    const ins = node.inputs.map((id, slot) => {
      const read = outputs.get(id)!;
      const seen = perturb?.readers?.some((r) => r.node === node.id && r.slot === slot);
      return seen && id === perturb!.nodeId ? perturbed(read, perturb!) : read;
    });
    const w = (role: string) => model.weights.get(`${node.id}/${role}`);
    const activation = (z: T, name: Activation, alpha: number): T => {
      if (name === 'linear') return z;
      pre.set(node.id, z);
      return op.map(z, (v) => op.activate(name, v, alpha));
    };
    const window = (
      size: number | readonly number[],
      strides: number | readonly number[],
      padding: Padding,
    ): Window => ({ size: pair(size), strides: pair(strides), padding });
    let out: T;
    switch (node.type) {
      case 'input':
        out = model.x;
        break;
      case 'dense': {
        const p = node.params;
        out = activation(op.dense(ins[0], w('kernel')!, w('bias'), p.units), p.activation, p.alpha);
        break;
      }
      case 'output':
        out = op.dense(ins[0], w('kernel')!, w('bias'), model.y.shape[1]);
        break;
      case 'conv2d': {
        const p = node.params;
        const geometry = window(p.kernelSize, p.strides, p.padding);
        const z = op.conv2d(ins[0], w('kernel')!, w('bias'), p.filters, geometry);
        out = activation(z, p.activation, p.alpha);
        break;
      }
      case 'maxPooling2d':
      case 'averagePooling2d': {
        const geometry = window(node.params.poolSize, node.params.strides, node.params.padding);
        out = op.pool(ins[0], node.type === 'maxPooling2d' ? 'max' : 'avg', geometry);
        break;
      }
      case 'globalAveragePooling2d':
        out = op.globalAveragePool(ins[0]);
        break;
      case 'flatten':
        out = { shape: [ins[0].shape[0], ins[0].data.length / ins[0].shape[0]], data: ins[0].data };
        break;
      case 'reshape':
        // NHWC tensors are row-major, so a reshape keeps the data and changes the shape only.
        out = { shape: [ins[0].shape[0], ...node.params.targetShape], data: ins[0].data };
        break;
      case 'dropout':
        // Training-mode masks are random; the reference covers the deterministic rate-0 case only.
        if (node.params.rate !== 0) throw new Error(`reference dropout supports rate 0 only (${node.id})`);
        out = ins[0];
        break;
      case 'activation':
        out = activation(ins[0], node.params.activation, node.params.alpha);
        break;
      case 'batchNormalization':
        out = op.batchNorm(ins[0], w('gamma')!, w('beta')!, node.params.epsilon);
        break;
      case 'layerNormalization':
        out = op.layerNorm(ins[0], w('gamma')!, w('beta')!, node.params.epsilon);
        break;
      case 'add':
        out = op.add(ins);
        break;
      case 'concatenate':
        if (node.params.axis !== -1 && node.params.axis !== ins[0].shape.length - 1)
          throw new Error('reference concat: last axis only');
        out = op.concatLast(ins);
        break;
      default: {
        // Exhaustive: a layer type added to the catalogue does not compile until the reference runs it.
        const unknown: never = node;
        throw new Error(`reference: unknown layer ${JSON.stringify(unknown)}`);
      }
    }
    if (perturb && perturb.nodeId === node.id && !perturb.readers) out = perturbed(out, perturb);
    outputs.set(node.id, out);
  }
  const logits = outputs.get(model.nodes.find((n) => n.type === 'output')!.id)!;
  return { loss: op.loss(model.lossName, logits, model.y), outputs, pre };
}

/** A copy of `t` with the perturbation applied: it never leaks into a tensor shared with another node (input, flatten). */
function perturbed(t: T, perturb: OutputPerturbation): T {
  const out = { shape: t.shape, data: Float64Array.from(t.data) };
  out.data[perturb.index] += perturb.delta;
  return out;
}
