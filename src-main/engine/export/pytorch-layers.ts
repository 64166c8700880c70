/**
 * Each design node as PyTorch: the module its attribute holds, the forward
 * line that applies it, and its state-dict entries. TensorFlow semantics are
 * kept exactly: `same` padding is TensorFlow's (extra row and column at the
 * bottom and right), max pooling ignores padded cells, average pooling
 * averages over real cells only, and images are flattened channels-last.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { pair as windowPair } from '../../../src-shared/layers/params';
import type { Network, NetworkNode } from '../model/network';
import type { SafeTensor } from './safetensors';

/** The Python code of one node. */
export interface TorchNode {
  /** Constructor expression assigned to `self.<attr>`. */
  module: string;
  /** Right-hand side of `<attr> = …` in forward, given the input locals. */
  call: string;
  /** Extra comment lines placed above the forward line. */
  comment?: string;
  /** Helper definitions (`Add`, `avg_pool_same`) this node needs in the file. */
  helpers: string[];
}

/** A Python literal for a finite number, without float noise (1 − 0.99 → 0.01). */
export function py(value: number): string {
  return String(Number(value.toPrecision(12)));
}

const pair = (p: readonly number[]) => `(${p[0]}, ${p[1]})`;

/** The module applying an activation by itself. */
function activationModule(activation: Activation, alpha: number): string {
  switch (activation) {
    case 'linear':
      return 'nn.Identity()';
    case 'sigmoid':
      return 'nn.Sigmoid()';
    case 'tanh':
      return 'nn.Tanh()';
    case 'relu':
      return 'nn.ReLU()';
    case 'leakyRelu':
      return `nn.LeakyReLU(negative_slope=${py(alpha)})`;
    case 'elu':
      return 'nn.ELU()';
    case 'selu':
      return 'nn.SELU()';
    case 'gelu':
      // Exact erf form, as TensorFlow.js and Keras compute it.
      return 'nn.GELU()';
    case 'softplus':
      return 'nn.Softplus()';
    case 'swish':
      return 'nn.SiLU()';
  }
}

/** An activation applied to the expression `z`. */
export function activationCall(activation: Activation | undefined, alpha: number, z: string): string {
  switch (activation ?? 'linear') {
    case 'linear':
      return z;
    case 'sigmoid':
      return `torch.sigmoid(${z})`;
    case 'tanh':
      return `torch.tanh(${z})`;
    case 'relu':
      return `F.relu(${z})`;
    case 'leakyRelu':
      return `F.leaky_relu(${z}, ${py(alpha)})`;
    case 'elu':
      return `F.elu(${z})`;
    case 'selu':
      return `F.selu(${z})`;
    case 'gelu':
      return `F.gelu(${z})`;
    case 'softplus':
      return `F.softplus(${z})`;
    case 'swish':
      return `F.silu(${z})`;
  }
}

/**
 * TensorFlow's padding for a window over `[h, w]`, as F.pad's
 * (left, right, top, bottom): for `same`, total = max((⌈n/s⌉−1)·s + k − n, 0),
 * the smaller half before.
 */
export function tfPadding(
  image: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  padding: string,
): [number, number, number, number] {
  if (padding !== 'same') return [0, 0, 0, 0];
  const [top, bottom, left, right] = [0, 1].flatMap((d) => {
    const total = Math.max((Math.ceil(image[d] / strides[d]) - 1) * strides[d] + window[d] - image[d], 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  return [left, right, top, bottom];
}

export const ADD_HELPER = `class Add(nn.Module):
    """Element-wise sum of its inputs (Keras Add)."""

    def forward(self, *inputs):
        return torch.stack(inputs).sum(0)`;

export const CONCATENATE_HELPER = `class Concatenate(nn.Module):
    """Concatenation of its inputs along \`dim\`, in input order (Keras Concatenate)."""

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, *inputs):
        return torch.cat(inputs, self.dim)`;

export const AVG_POOL_SAME_HELPER = `def avg_pool_same(pool, x, pads):
    """TensorFlow's \`same\` average pooling: the mean over the cells inside the image only."""
    ones = torch.ones_like(x[:, :1])
    return pool(F.pad(x, pads)) / pool(F.pad(ones, pads))`;

/** The PyTorch code of `node`, whose inputs are the locals `inputs`. */
export function torchNode(node: NetworkNode, inputs: string[], attr: string): TorchNode {
  const x = inputs[0];
  const self = `self.${attr}`;
  const inShape = node.inputShapes[0] ?? [];
  const image = inShape.length === 3;
  const plain = (module: string, call = `${self}(${x})`): TorchNode => ({ module, call, helpers: [] });
  switch (node.type) {
    case 'input':
      return plain('nn.Identity()');
    case 'dense':
    case 'output': {
      const bias = node.params.useBias ? '' : ', bias=False';
      const module = `nn.Linear(${inShape[0]}, ${node.outputShape[0]}${bias})`;
      const alpha = node.type === 'dense' ? node.params.alpha : 0;
      return plain(module, activationCall(node.activation, alpha, `${self}(${x})`));
    }
    case 'conv2d': {
      const p = node.params;
      const kernel = windowPair(p.kernelSize);
      const strides = windowPair(p.strides);
      const [l, r, t, b] = tfPadding(inShape, kernel, strides, p.padding);
      const symmetric = l === r && t === b;
      const bias = p.useBias ? '' : ', bias=False';
      const padding = symmetric && t + l > 0 ? `, padding=${pair([t, l])}` : '';
      const module = `nn.Conv2d(${inShape[2]}, ${p.filters}, kernel_size=${pair(kernel)}, stride=${pair(strides)}${padding}${bias})`;
      const input = symmetric ? x : `F.pad(${x}, (${l}, ${r}, ${t}, ${b}))`;
      return plain(module, activationCall(p.activation, p.alpha, `${self}(${input})`));
    }
    case 'maxPooling2d':
    case 'averagePooling2d': {
      const p = node.params;
      const pool = windowPair(p.poolSize);
      const strides = windowPair(p.strides);
      const pads = tfPadding(inShape, pool, strides, p.padding);
      const kind = node.type === 'maxPooling2d' ? 'MaxPool2d' : 'AvgPool2d';
      const module = `nn.${kind}(kernel_size=${pair(pool)}, stride=${pair(strides)})`;
      if (pads.every((v) => v === 0)) return plain(module);
      const padText = `(${pads.join(', ')})`;
      if (node.type === 'maxPooling2d')
        return plain(module, `${self}(F.pad(${x}, ${padText}, value=-math.inf))`);
      return { module, call: `avg_pool_same(${self}, ${x}, ${padText})`, helpers: [AVG_POOL_SAME_HELPER] };
    }
    case 'flatten':
      if (!image) return plain('nn.Flatten()');
      return {
        module: 'nn.Flatten()',
        call: `${self}(${x}.permute(0, 2, 3, 1))`,
        comment: 'channels last before flattening, as TensorFlow orders the features',
        helpers: [],
      };
    case 'globalAveragePooling2d':
      return plain('nn.AdaptiveAvgPool2d(1)', `${self}(${x}).flatten(1)`);
    case 'reshape':
      return torchReshape(node.params.targetShape, image, x, self);
    case 'dropout':
      return plain(`nn.Dropout(p=${py(node.params.rate)})`);
    case 'activation':
      return plain(activationModule(node.params.activation, node.params.alpha));
    case 'batchNormalization': {
      const channels = inShape[inShape.length - 1];
      const { epsilon, momentum } = node.params;
      const args = `${channels}, eps=${py(epsilon)}, momentum=${py(1 - momentum)}`;
      if (image) return plain(`nn.BatchNorm2d(${args})`);
      if (inShape.length === 1) return plain(`nn.BatchNorm1d(${args})`);
      return plain(`nn.BatchNorm1d(${args})`, `${self}(${x}.transpose(1, 2)).transpose(1, 2)`);
    }
    case 'layerNormalization': {
      const module = `nn.LayerNorm(${inShape[inShape.length - 1]}, eps=${py(node.params.epsilon)})`;
      if (!image) return plain(module);
      return plain(module, `${self}(${x}.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)`);
    }
    case 'add':
      return { module: 'Add()', call: `${self}(${inputs.join(', ')})`, helpers: [ADD_HELPER] };
    case 'concatenate': {
      const rank = inShape.length;
      const axis = node.params.axis === -1 ? rank : node.params.axis;
      // Keras counts [batch, H, W, C]; the tensors here are [batch, C, H, W].
      const dim = image ? [0, 2, 3, 1][axis] : axis;
      return {
        module: `Concatenate(dim=${dim})`,
        call: `${self}(${inputs.join(', ')})`,
        helpers: [CONCATENATE_HELPER],
      };
    }
  }
}

/**
 * Keras's Reshape on this module's tensors: images are [batch, C, H, W] here
 * but TensorFlow orders the values channels last, so an image input is
 * permuted to [batch, H, W, C] before the reshape and an image result back
 * after it.
 */
function torchReshape(target: readonly number[], imageIn: boolean, x: string, self: string): TorchNode {
  const channelsLast = imageIn ? `${x}.permute(0, 2, 3, 1)` : x;
  const reshaped = `${channelsLast}.reshape(-1, ${target.join(', ')})`;
  const call = target.length === 3 ? `${reshaped}.permute(0, 3, 1, 2)` : reshaped;
  const comment =
    imageIn || target.length === 3 ? 'reshaped channels last, as TensorFlow orders the values' : undefined;
  return { module: 'nn.Identity()', call: `${self}(${call})`, ...(comment ? { comment } : {}), helpers: [] };
}

/**
 * The network's state dict, keyed `<attr>.weight` etc.: dense kernels
 * transposed to [out, in], conv kernels permuted from [kh, kw, in, out] to
 * [out, in, kh, kw], BatchNorm's moving statistics as running_mean / running_var.
 */
export function torchStateDict(network: Network, names: ReadonlyMap<string, string>): SafeTensor[] {
  const tensors: SafeTensor[] = [];
  const f32 = (name: string, shape: number[], data: Float32Array) =>
    tensors.push({ name, dtype: 'F32', shape, data });
  for (const node of network.nodes) {
    const attr = names.get(node.id)!;
    for (const index of node.weights) {
      const slot = network.weights[index];
      const values = slot.variable.dataSync() as Float32Array;
      const torchName = slot.role === 'kernel' || slot.role === 'gamma' ? 'weight' : 'bias';
      if (slot.role === 'kernel' && slot.shape.length === 2) {
        const [inputs, units] = slot.shape;
        const t = new Float32Array(values.length);
        for (let i = 0; i < inputs; i++)
          for (let o = 0; o < units; o++) t[o * inputs + i] = values[i * units + o];
        f32(`${attr}.weight`, [units, inputs], t);
      } else if (slot.role === 'kernel') {
        const [kh, kw, cin, cout] = slot.shape;
        const t = new Float32Array(values.length);
        for (let h = 0; h < kh; h++)
          for (let w = 0; w < kw; w++)
            for (let c = 0; c < cin; c++)
              for (let o = 0; o < cout; o++)
                t[((o * cin + c) * kh + h) * kw + w] = values[((h * kw + w) * cin + c) * cout + o];
        f32(`${attr}.weight`, [cout, cin, kh, kw], t);
      } else f32(`${attr}.${torchName}`, [...slot.shape], values);
    }
    const moving = network.movingStats.find((m) => m.nodeId === node.id);
    if (moving) {
      f32(`${attr}.running_mean`, [...moving.mean.shape], moving.mean.dataSync() as Float32Array);
      f32(`${attr}.running_var`, [...moving.variance.shape], moving.variance.dataSync() as Float32Array);
      tensors.push({ name: `${attr}.num_batches_tracked`, dtype: 'I64', shape: [], data: [0] });
    }
  }
  return tensors;
}
