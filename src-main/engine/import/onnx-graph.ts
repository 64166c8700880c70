/**
 * An ONNX graph as a Keras-style layer graph (keras-topology.ts) with its
 * weights, so the Keras importer turns it into a design: the operators
 * Backflow's ONNX export writes, and what PyTorch's exporter writes for the
 * same layers (Gemm, MatMul + Add, Conv, pooling, BatchNormalization,
 * LayerNormalization, Add/Sum, Concat, Flatten, Reshape, GlobalAveragePool,
 * activations). Anything else is refused by operator and node name.
 *
 * Layout: Backflow's tensors are channels last. Each ONNX value is tracked
 * as a Backflow tensor seen through a permutation: Transposes only change
 * the permutation; Conv, pooling and BatchNormalization need the channels on
 * axis 1 (the view Backflow's export makes with its Transposes, and PyTorch's
 * NCHW). A channels-first image flattened into a Gemm or MatMul has that
 * layer's kernel rows reordered to Backflow's (h, w, c) order.
 */
import { LOSSES, type LossName } from '../../../src-shared/layers';
import type { NamedWeights } from './import-model';
import { ImportError, type KerasGraph, type KerasLayer } from './keras-topology';
import {
  ACTIVATIONS,
  channelsFirst,
  f32,
  failAt,
  geluPattern,
  idMaker,
  identity,
  isFinalOutput,
  outSize,
  padding,
  requireChannelsFirstImage,
  requireFlat,
  requireLast,
  same,
  SUPPORTED,
  transpose2d,
  type Value,
} from './onnx-ops';
import type { OnnxAttribute, OnnxModelValue, OnnxNodeValue, OnnxTensorValue } from './onnx-read';

/** The graph, its weights (`<layer>/kernel`…), and the loss the file says, if any. */
export interface OnnxAsKeras {
  graph: KerasGraph;
  weights: NamedWeights;
  loss?: LossName;
  name?: string;
  warnings: string[];
}

/** Converts the model; throws ImportError naming what cannot be imported. */
export function onnxToKeras(model: OnnxModelValue): OnnxAsKeras {
  const { nodes, initializers } = model;
  const warnings: string[] = [];
  const constants = new Map<string, OnnxTensorValue>(initializers);
  const consumers = new Map<string, OnnxNodeValue[]>();
  for (const node of nodes) {
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
    if (node.opType === 'Constant' && node.attributes.get('value')?.t) {
      constants.set(node.outputs[0], node.attributes.get('value')!.t!);
    }
  }
  if (model.inputs.length !== 1) {
    throw new ImportError(
      `the model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); a Backflow design has one`,
    );
  }
  const makeId = idMaker();
  const layers: KerasLayer[] = [];
  /** Each layer's weights by Keras weight name, and the ONNX output it was made from. */
  const layerWeights = new Map<string, Map<string, { shape: readonly number[]; values: Float32Array }>>();
  const origin = new Map<string, string>();
  const values = new Map<string, Value>();
  const setWeight = (id: string, name: string, shape: readonly number[], data: Float32Array) => {
    if (!layerWeights.has(id)) layerWeights.set(id, new Map());
    layerWeights.get(id)!.set(name, { shape, values: data });
  };
  /**
   * Backflow's export names a node's last tensor by the node's id and the ones before it
   * `<id>/conv`, `<id>/gemm`, `<id>/logits`…: the layer made from `<out>/<step>` takes the name `out`.
   */
  const renameTo = (x: Value, out: string, steps?: string[]): boolean => {
    const from = origin.get(x.layer);
    const step = from?.startsWith(`${out}/`) ? from.slice(out.length + 1) : undefined;
    if (step === undefined || step.includes('/') || (steps && !steps.includes(step))) return false;
    const old = x.layer;
    const id = makeId(out);
    const layer = layers.find((l) => l.name === old)!;
    layer.name = id;
    layer.config.name = id;
    for (const l of layers) l.inputs = l.inputs.map((i) => (i === old ? id : i));
    for (const v of values.values()) if (v.layer === old) v.layer = id;
    if (layerWeights.has(old)) layerWeights.set(id, layerWeights.get(old)!);
    layerWeights.delete(old);
    origin.set(id, out);
    x.layer = id;
    return true;
  };
  const addLayer = (
    name: string,
    className: string,
    config: Record<string, unknown>,
    inputs: string[],
  ): string => {
    // PyTorch names values `/fc1/Gemm_output_0`: the layer is `fc1_Gemm`.
    const id = makeId(name.replace(/_output_\d+$/, ''));
    layers.push({ name: id, className, config: { name: id, ...config }, inputs });
    origin.set(id, name);
    return id;
  };
  const constant = (node: OnnxNodeValue, name: string | undefined, what: string): OnnxTensorValue => {
    const found = name ? constants.get(name) : undefined;
    return found ?? failAt(node, `its ${what} must be a constant (an initializer) for Backflow to import it`);
  };
  const floats = (node: OnnxNodeValue, name: string | undefined, what: string): Float32Array => {
    const t = constant(node, name, what);
    return t.floats ?? Float32Array.from(t.ints!);
  };
  const attr = (node: OnnxNodeValue, key: string): OnnxAttribute | undefined => node.attributes.get(key);
  const ints = (node: OnnxNodeValue, key: string, fallback: number[]) => attr(node, key)?.ints ?? fallback;

  // The input: an image is channels first (ONNX's convention) unless the first thing done to it
  // is the Transpose to channels first that Backflow's export writes.
  const input = model.inputs[0];
  const dims = input.dims.slice(1);
  if (!dims.length || dims.some((d) => typeof d !== 'number' || d <= 0)) {
    throw new ImportError(
      `the input '${input.name}' has shape ${JSON.stringify(input.dims)}; Backflow needs every size but the batch fixed`,
    );
  }
  let shape = dims as number[];
  let perm = identity(shape.length + 1);
  const firstUse = consumers.get(input.name) ?? [];
  const transposedFirst =
    firstUse.length > 0 &&
    firstUse.every(
      (n) => n.opType === 'Transpose' && same(ints(n, 'perm', []), channelsFirst(shape.length + 1)),
    );
  if (shape.length === 3 && !transposedFirst) {
    // [C, H, W] in the file; the design takes [H, W, C].
    shape = [shape[1], shape[2], shape[0]];
    perm = channelsFirst(4);
    warnings.push(
      `the model takes channels-first images [${dims.join(', ')}] (C, H, W); the design takes them channels last, [${shape.join(', ')}]`,
    );
  }
  const inputId = addLayer(input.name, 'InputLayer', { batch_shape: [null, ...shape] }, []);
  values.set(input.name, { layer: inputId, shape, perm });

  const valueOf = (node: OnnxNodeValue, name: string): Value =>
    values.get(name) ??
    failAt(node, `its input '${name}' is not computed from the model's input by operators Backflow reads`);
  const set = (node: OnnxNodeValue, value: Value) => values.set(node.outputs[0], value);

  /** Dense from a kernel [in, out] (rows reordered for a flattened channels-first input) and optional bias. */
  const dense = (
    node: OnnxNodeValue,
    x: Value,
    kernel: Float32Array,
    rows: number,
    cols: number,
    bias?: Float32Array,
  ) => {
    if (x.shape.length !== 1 || x.shape[0] !== rows)
      failAt(node, `multiplies a tensor of shape [${x.shape.join(', ')}] by a [${rows}, ${cols}] matrix`);
    let k = kernel;
    if (x.flattenedChw) {
      const [c, h, w] = x.flattenedChw;
      k = new Float32Array(kernel.length);
      for (let ci = 0; ci < c; ci++)
        for (let hi = 0; hi < h; hi++)
          for (let wi = 0; wi < w; wi++) {
            const from = (ci * h + hi) * w + wi;
            const to = (hi * w + wi) * c + ci;
            k.set(kernel.subarray(from * cols, (from + 1) * cols), to * cols);
          }
    }
    const id = addLayer(node.outputs[0], 'Dense', { units: cols, activation: 'linear', use_bias: !!bias }, [
      x.layer,
    ]);
    setWeight(id, 'kernel', [rows, cols], k);
    if (bias) setWeight(id, 'bias', [cols], bias);
    return { layer: id, shape: [cols], perm: [0, 1] };
  };

  // The inner operators of a GELU are read with its last Mul.
  const done = new Set<OnnxNodeValue>(nodes.flatMap((n) => geluPattern(n, nodes, constants)?.inner ?? []));
  for (const node of nodes) {
    if (done.has(node) || node.opType === 'Constant') continue;
    if (node.domain && node.domain !== 'ai.onnx')
      failAt(node, `is from the '${node.domain}' operator set, which Backflow does not read`);
    const [first] = node.inputs;
    const out = node.outputs[0];
    switch (node.opType) {
      case 'Transpose': {
        const x = valueOf(node, first);
        const p = ints(node, 'perm', identity(x.perm.length).reverse());
        if (x.flattenedChw || x.unitSpatial || p.length !== x.perm.length)
          failAt(node, 'transposes a tensor Backflow cannot');
        const value = { ...x, perm: p.map((i) => x.perm[i]) };
        renameTo(value, out);
        set(node, value);
        break;
      }
      case 'Identity':
      case 'Dropout': {
        const x = valueOf(node, first);
        if (node.opType === 'Identity' && isFinalOutput(model, out)) {
          renameTo(x, out, ['logits']);
          set(node, x);
          break;
        }
        const ratio = node.inputs[1]
          ? floats(node, node.inputs[1], 'ratio')[0]
          : (attr(node, 'ratio')?.f ?? 0.5);
        const layer =
          node.opType === 'Dropout'
            ? addLayer(out, 'Dropout', { rate: f32(ratio) }, [x.layer])
            : addLayer(out, 'Activation', { activation: 'linear' }, [x.layer]);
        set(node, { ...x, layer });
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Elu':
      case 'Selu':
      case 'Softplus':
      case 'LeakyRelu': {
        const x = valueOf(node, first);
        const uses = consumers.get(first) ?? [];
        // Backflow's export: Mul(z, Sigmoid(z)) is swish.
        const mul = uses.find((u) => u.opType === 'Mul' && u !== node);
        if (node.opType === 'Sigmoid' && mul && uses.length === 2 && mul.inputs.includes(node.outputs[0])) {
          set(node, x); // The Mul makes the layer.
          break;
        }
        if (node.opType === 'Elu' && Math.abs((attr(node, 'alpha')?.f ?? 1) - 1) > 1e-6)
          failAt(node, 'has alpha other than 1; Backflow’s elu uses 1');
        const className = node.opType === 'LeakyRelu' ? 'LeakyReLU' : 'Activation';
        const config =
          node.opType === 'LeakyRelu'
            ? { negative_slope: f32(attr(node, 'alpha')?.f ?? 0.01) }
            : { activation: ACTIVATIONS[node.opType] };
        const fusable = layers.find((l) => l.name === x.layer);
        const linear =
          fusable &&
          ['Dense', 'Conv2D'].includes(fusable.className) &&
          fusable.config.activation === 'linear';
        if (isFinalOutput(model, out) && renameTo(x, out, ['logits'])) {
          const layer = addLayer(`${out}/${node.opType}`, className, config, [x.layer]);
          set(node, { ...x, layer });
        } else if (linear && renameTo(x, out, ['gemm', 'conv'])) {
          // Backflow's export writes a dense/conv with its activation as `<id>/gemm` or `<id>/conv`, then `<id>`.
          if (className === 'Activation') fusable.config.activation = config.activation;
          else addLayer(`${x.layer}_leakyRelu`, className, config, [x.layer]);
          set(node, { ...x, layer: className === 'Activation' ? x.layer : layers.at(-1)!.name });
        } else {
          const layer = addLayer(out, className, config, [x.layer]);
          set(node, { ...x, layer });
        }
        break;
      }
      case 'Softmax': {
        const x = valueOf(node, first);
        if (!isFinalOutput(model, out))
          failAt(node, 'is not the model’s last operator; Backflow has softmax only as the output’s loss');
        const renamed = renameTo(x, out, ['logits']);
        const layer = addLayer(renamed ? `${out}/softmax` : out, 'Activation', { activation: 'softmax' }, [
          x.layer,
        ]);
        set(node, { ...x, layer });
        break;
      }
      case 'Mul': {
        const [a, b] = node.inputs;
        const sigmoid = nodes.find((n) => n.opType === 'Sigmoid' && n.outputs[0] === b && n.inputs[0] === a);
        const gelu = geluPattern(node, nodes, constants);
        if (!sigmoid && !gelu) failAt(node, 'is not part of an activation Backflow knows (swish, GELU)');
        const x = valueOf(node, gelu ? gelu.input : a);
        const activation = gelu ? 'gelu' : 'swish';
        const fusable = layers.find((l) => l.name === x.layer);
        const linear =
          fusable &&
          ['Dense', 'Conv2D'].includes(fusable.className) &&
          fusable.config.activation === 'linear';
        if (linear && renameTo(x, out, ['gemm', 'conv'])) {
          fusable.config.activation = activation;
          set(node, { ...x });
        } else set(node, { ...x, layer: addLayer(out, 'Activation', { activation }, [x.layer]) });
        break;
      }
      case 'Div':
      case 'Erf':
        failAt(node, 'is not part of a GELU, the only use Backflow reads');
        break;
      case 'Gemm': {
        const x = valueOf(node, first);
        requireFlat(node, x);
        const b = constant(node, node.inputs[1], 'weight matrix B');
        if ((attr(node, 'transA')?.i ?? 0) !== 0) failAt(node, 'transposes its input (transA)');
        if ((attr(node, 'alpha')?.f ?? 1) !== 1 || (attr(node, 'beta')?.f ?? 1) !== 1)
          failAt(node, 'scales by alpha or beta');
        const transB = (attr(node, 'transB')?.i ?? 0) === 1;
        const [r, c] = b.dims;
        const rows = transB ? c : r;
        const cols = transB ? r : c;
        const raw = b.floats ?? failAt(node, 'has an integer weight matrix');
        const kernel = transB ? transpose2d(raw, r, c) : raw;
        const bias = node.inputs[2] ? floats(node, node.inputs[2], 'bias C') : undefined;
        if (bias && bias.length !== cols)
          failAt(node, `has a bias of ${bias.length} values for ${cols} outputs`);
        set(node, dense(node, x, kernel, rows, cols, bias));
        break;
      }
      case 'MatMul': {
        const x = valueOf(node, first);
        requireFlat(node, x);
        const b = constant(node, node.inputs[1], 'weight matrix');
        if (b.dims.length !== 2) failAt(node, 'has a weight tensor that is not a matrix');
        const [rows, cols] = b.dims;
        // MatMul then Add of a constant vector: PyTorch's Linear when it does not use Gemm.
        const uses = consumers.get(out) ?? [];
        const add = uses.length === 1 && uses[0].opType === 'Add' ? uses[0] : undefined;
        const biasName = add?.inputs.find((i) => i !== out);
        const bias = biasName && constants.has(biasName) ? floats(add!, biasName, 'bias') : undefined;
        const value = dense(
          node,
          x,
          b.floats ?? failAt(node, 'has an integer weight matrix'),
          rows,
          cols,
          bias,
        );
        set(node, value);
        if (bias && add) {
          done.add(add);
          values.set(add.outputs[0], value);
        }
        break;
      }
      case 'Conv': {
        const x = valueOf(node, first);
        requireChannelsFirstImage(node, x);
        const w = constant(node, node.inputs[1], 'kernel');
        const [cout, cin, kh, kw] = w.dims;
        if (w.dims.length !== 4) failAt(node, 'is not a 2-D convolution');
        if ((attr(node, 'group')?.i ?? 1) !== 1) failAt(node, 'is grouped; Backflow’s conv2d is not');
        if (ints(node, 'dilations', [1, 1]).some((d) => d !== 1))
          failAt(node, 'is dilated; Backflow’s conv2d is not');
        if (cin !== x.shape[2]) failAt(node, `takes ${cin} channels but gets ${x.shape[2]}`);
        const strides = ints(node, 'strides', [1, 1]);
        const pad = padding(node, x.shape, [kh, kw], strides);
        const kernel = new Float32Array(w.floats!.length);
        for (let o = 0; o < cout; o++)
          for (let c = 0; c < cin; c++)
            for (let h = 0; h < kh; h++)
              for (let v = 0; v < kw; v++)
                kernel[((h * kw + v) * cin + c) * cout + o] = w.floats![((o * cin + c) * kh + h) * kw + v];
        const bias = node.inputs[2] ? floats(node, node.inputs[2], 'bias') : undefined;
        const id = addLayer(
          out,
          'Conv2D',
          {
            filters: cout,
            kernel_size: [kh, kw],
            strides,
            padding: pad,
            activation: 'linear',
            use_bias: !!bias,
          },
          [x.layer],
        );
        setWeight(id, 'kernel', [kh, kw, cin, cout], kernel);
        if (bias) setWeight(id, 'bias', [cout], bias);
        const shapeOut = [
          outSize(x.shape[0], kh, strides[0], pad),
          outSize(x.shape[1], kw, strides[1], pad),
          cout,
        ];
        set(node, { layer: id, shape: shapeOut, perm: x.perm });
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        const x = valueOf(node, first);
        requireChannelsFirstImage(node, x);
        if ((attr(node, 'ceil_mode')?.i ?? 0) !== 0) failAt(node, 'rounds its output size up (ceil_mode)');
        if (ints(node, 'dilations', [1, 1]).some((d) => d !== 1)) failAt(node, 'is dilated');
        const kernel = ints(node, 'kernel_shape', []);
        const strides = ints(node, 'strides', [1, 1]);
        const pad = padding(node, x.shape, kernel, strides);
        if (
          node.opType === 'AveragePool' &&
          pad === 'same' &&
          (attr(node, 'count_include_pad')?.i ?? 0) !== 0
        )
          failAt(
            node,
            'counts the padding in its averages (count_include_pad); Backflow averages the cells it covers',
          );
        const className = node.opType === 'MaxPool' ? 'MaxPooling2D' : 'AveragePooling2D';
        const id = addLayer(out, className, { pool_size: kernel, strides, padding: pad }, [x.layer]);
        const shapeOut = [
          outSize(x.shape[0], kernel[0], strides[0], pad),
          outSize(x.shape[1], kernel[1], strides[1], pad),
          x.shape[2],
        ];
        set(node, { layer: id, shape: shapeOut, perm: x.perm });
        break;
      }
      case 'GlobalAveragePool': {
        const x = valueOf(node, first);
        requireChannelsFirstImage(node, x);
        const id = addLayer(out, 'GlobalAveragePooling2D', {}, [x.layer]);
        set(node, { layer: id, shape: [x.shape[2]], perm: [0, 1], unitSpatial: true });
        break;
      }
      case 'ReduceMean': {
        const x = valueOf(node, first);
        const axes = node.inputs[1]
          ? Array.from(floats(node, node.inputs[1], 'axes'))
          : ints(node, 'axes', []);
        const keep = (attr(node, 'keepdims')?.i ?? 1) === 1;
        const spatial = axes.map((a) => x.perm[a < 0 ? a + x.perm.length : a]).sort();
        if (x.shape.length !== 3 || !same(spatial, [1, 2]))
          failAt(node, 'averages other axes than an image’s height and width');
        const id = addLayer(out, 'GlobalAveragePooling2D', {}, [x.layer]);
        set(node, { layer: id, shape: [x.shape[2]], perm: [0, 1], unitSpatial: keep });
        break;
      }
      case 'Flatten':
      case 'Reshape':
      case 'Squeeze': {
        const x = valueOf(node, first);
        const size = x.shape.reduce((a, b) => a * b, 1);
        let target: number[] | undefined;
        if (node.opType === 'Flatten') {
          if ((attr(node, 'axis')?.i ?? 1) !== 1) failAt(node, 'keeps more than the batch axis');
          target = [size];
        } else if (node.opType === 'Squeeze') {
          if (!x.unitSpatial) failAt(node, 'squeezes a tensor Backflow cannot');
          target = [size];
        } else {
          const raw = constant(node, node.inputs[1], 'shape').ints ?? failAt(node, 'has a float shape');
          if (raw[0] !== 0 && raw[0] !== -1 && raw.length > 1 && raw[0] > 0)
            failAt(node, 'changes the batch size');
          const rest = raw.slice(1);
          const known = rest.filter((d) => d > 0).reduce((a, b) => a * b, 1);
          target = rest.map((d) => (d === -1 ? size / known : d));
          if (target.some((d) => !Number.isInteger(d) || d <= 0))
            failAt(node, `reshapes ${size} values to [${raw.join(', ')}]`);
        }
        if (x.unitSpatial) {
          if (target.length !== 1)
            failAt(node, 'reshapes a pooled image into other than one value per channel');
          set(node, { ...x, unitSpatial: false });
        } else if (!same(x.perm, identity(x.perm.length))) {
          if (target.length !== 1 || !same(x.perm, channelsFirst(4)))
            failAt(node, 'reshapes a transposed tensor');
          const id = addLayer(out, 'Flatten', {}, [x.layer]);
          const [h, w, c] = x.shape;
          set(node, { layer: id, shape: target, perm: [0, 1], flattenedChw: [c, h, w] });
        } else if (node.opType !== 'Reshape') {
          const id = addLayer(out, 'Flatten', {}, [x.layer]);
          set(node, { layer: id, shape: target, perm: [0, 1] });
        } else {
          const id = addLayer(out, 'Reshape', { target_shape: target }, [x.layer]);
          set(node, { layer: id, shape: target, perm: identity(target.length + 1) });
        }
        break;
      }
      case 'BatchNormalization': {
        const x = valueOf(node, first);
        const rank = x.shape.length + 1;
        if (rank > 2 && !same(x.perm, channelsFirst(rank)))
          failAt(node, 'normalizes an axis that is not the channels');
        if (rank === 2) requireLast(node, x);
        const id = addLayer(
          out,
          'BatchNormalization',
          {
            epsilon: f32(attr(node, 'epsilon')?.f ?? 1e-5),
            momentum: f32(attr(node, 'momentum')?.f ?? 0.9),
            axis: -1,
          },
          [x.layer],
        );
        ['gamma', 'beta', 'moving_mean', 'moving_variance'].forEach((role, k) => {
          setWeight(id, role, [x.shape.at(-1)!], floats(node, node.inputs[k + 1], role));
        });
        set(node, { ...x, layer: id });
        break;
      }
      case 'LayerNormalization': {
        const x = valueOf(node, first);
        requireLast(node, x);
        const axis = attr(node, 'axis')?.i ?? -1;
        if (axis !== -1 && axis !== x.shape.length) failAt(node, 'normalizes more than the last axis');
        const id = addLayer(
          out,
          'LayerNormalization',
          { epsilon: f32(attr(node, 'epsilon')?.f ?? 1e-5), axis: -1 },
          [x.layer],
        );
        const size = x.shape.at(-1)!;
        setWeight(id, 'gamma', [size], floats(node, node.inputs[1], 'scale'));
        setWeight(
          id,
          'beta',
          [size],
          node.inputs[2] ? floats(node, node.inputs[2], 'bias') : new Float32Array(size),
        );
        set(node, { ...x, layer: id });
        break;
      }
      case 'Add':
      case 'Sum': {
        const xs = node.inputs.map((name) => valueOf(node, name));
        if (xs.length < 2) failAt(node, 'adds fewer than two tensors');
        if (xs.some((v) => !same(v.perm, xs[0].perm) || !same(v.shape, xs[0].shape) || v.flattenedChw))
          failAt(node, 'adds tensors of different shapes or layouts');
        const id = addLayer(
          out,
          'Add',
          {},
          xs.map((v) => v.layer),
        );
        set(node, { ...xs[0], layer: id });
        break;
      }
      case 'Concat': {
        const xs = node.inputs.map((name) => valueOf(node, name));
        if (xs.some((v) => !same(v.perm, xs[0].perm) || v.flattenedChw || v.unitSpatial))
          failAt(node, 'joins tensors of different layouts');
        const rank = xs[0].perm.length;
        const raw = attr(node, 'axis')?.i ?? failAt(node, 'has no axis');
        const axis = xs[0].perm[raw < 0 ? raw + rank : raw];
        if (axis === 0) failAt(node, 'joins along the batch axis');
        const shapeOut = [...xs[0].shape];
        shapeOut[axis - 1] = xs.reduce((n, v) => n + v.shape[axis - 1], 0);
        const id = addLayer(
          out,
          'Concatenate',
          { axis: axis === rank - 1 ? -1 : axis },
          xs.map((v) => v.layer),
        );
        set(node, { layer: id, shape: shapeOut, perm: xs[0].perm });
        break;
      }
      default:
        failAt(node, `is not an operator Backflow imports (it reads ${SUPPORTED})`);
    }
  }
  const output = model.outputs[0];
  const last = output && values.get(output.name);
  if (!last) throw new ImportError('the model’s first output is not computed from its input');
  if (model.outputs.length > 1) {
    const others = model.outputs.slice(1).map((o) => o.name);
    if (!others.every((o) => o === `${output.name}/logits`))
      warnings.push(`only the first output, '${output.name}', is imported; not ${others.join(', ')}`);
  }
  const loss = model.metadata.get('loss');
  // Only what the output depends on (a second output's branch is left out).
  const byName = new Map(layers.map((l) => [l.name, l]));
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    byName.get(name)?.inputs.forEach(visit);
  };
  visit(last.layer);
  const weights = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  for (const [id, named] of layerWeights) for (const [role, w] of named) weights.set(`${id}/${role}`, w);
  const name = model.metadata.get('design') || undefined;
  return {
    graph: {
      name: name ?? 'Imported ONNX model',
      layers: layers.filter((l) => needed.has(l.name)),
      input: inputId,
      output: last.layer,
    },
    weights,
    loss: (LOSSES as readonly string[]).includes(loss ?? '') ? (loss as LossName) : undefined,
    name,
    warnings,
  };
}
