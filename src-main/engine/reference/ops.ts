/**
 * Float64 reference implementations of every layer's forward computation,
 * in plain TypeScript with no TensorFlow.js, so that the engine's float32
 * gradients can be checked against finite differences of an independent
 * implementation. Written for clarity, not speed: the test networks are tiny.
 */
import type { Activation } from '../../../src-shared/layers/activations';

/** A dense float64 tensor, row-major, batch axis first. */
export interface T {
  shape: number[];
  data: Float64Array;
}

/** A zero tensor of `shape`. */
export function zeros(shape: number[]): T {
  return { shape: [...shape], data: new Float64Array(shape.reduce((a, b) => a * b, 1)) };
}

/** Applies `f` to every element. */
export function map(x: T, f: (v: number) => number): T {
  return { shape: [...x.shape], data: x.data.map(f) };
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * erf(x) in float64 from the everywhere-convergent series
 * erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms are all
 * positive (no cancellation, unlike the Taylor series), hence ~1e-15 accurate.
 * Beyond |x| = 6, 1 − erf < 1e-17, below float64 resolution.
 */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x > 6) return 1;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500 && term > 1e-17 * sum; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** The logistic function, without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** One activation of src-shared/layers/activations.ts; `alpha` is leakyRelu's slope. */
export function activate(name: Activation, z: number, alpha: number): number {
  switch (name) {
    case 'linear':
      return z;
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return z > 0 ? z : 0;
    case 'leakyRelu':
      return z > 0 ? z : alpha * z;
    case 'elu':
      return z > 0 ? z : Math.expm1(z);
    case 'selu':
      return SELU_SCALE * (z > 0 ? z : SELU_ALPHA * Math.expm1(z));
    case 'gelu':
      return 0.5 * z * (1 + erf(z * Math.SQRT1_2));
    case 'softplus':
      return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    case 'swish':
      return z * sigmoid(z);
  }
}

/** x [B, in] · kernel [in, out] + bias. */
export function dense(x: T, kernel: Float64Array, bias: Float64Array | undefined, units: number): T {
  const [batch, fanIn] = x.shape;
  const out = zeros([batch, units]);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < units; j++) {
      let s = bias ? bias[j] : 0;
      for (let i = 0; i < fanIn; i++) s += x.data[b * fanIn + i] * kernel[i * units + j];
      out.data[b * units + j] = s;
    }
  }
  return out;
}

/** Output size and leading padding of one spatial axis, by TensorFlow's rules. */
export function windowAxis(
  size: number,
  k: number,
  s: number,
  padding: string,
): { out: number; pad: number } {
  if (padding === 'valid') return { out: Math.floor((size - k) / s) + 1, pad: 0 };
  const out = Math.ceil(size / s);
  // TF 'same': the odd padding pixel goes to the bottom/right, hence floor for the top/left.
  const total = Math.max((out - 1) * s + k - size, 0);
  return { out, pad: Math.floor(total / 2) };
}

/** Geometry of a sliding window over an NHWC tensor. */
export interface Window {
  size: [number, number];
  strides: [number, number];
  padding: string;
}

/** NHWC conv2d with kernel [kh, kw, cin, cout], zero padding, plus bias. */
export function conv2d(
  x: T,
  kernel: Float64Array,
  bias: Float64Array | undefined,
  filters: number,
  w: Window,
): T {
  const [batch, h, wd, cin] = x.shape;
  const [kh, kw] = w.size;
  const rows = windowAxis(h, kh, w.strides[0], w.padding);
  const cols = windowAxis(wd, kw, w.strides[1], w.padding);
  const out = zeros([batch, rows.out, cols.out, filters]);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows.out; r++) {
      for (let c = 0; c < cols.out; c++) {
        for (let f = 0; f < filters; f++, o++) {
          let s = bias ? bias[f] : 0;
          for (let i = 0; i < kh; i++) {
            const y = r * w.strides[0] - rows.pad + i;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < kw; j++) {
              const xx = c * w.strides[1] - cols.pad + j;
              if (xx < 0 || xx >= wd) continue;
              for (let ch = 0; ch < cin; ch++) {
                s +=
                  x.data[((b * h + y) * wd + xx) * cin + ch] *
                  kernel[((i * kw + j) * cin + ch) * filters + f];
              }
            }
          }
          out.data[o] = s;
        }
      }
    }
  }
  return out;
}

/**
 * Max or average pooling. Padded positions are skipped, not read as zeros:
 * TF's 'same' max ignores them and its 'same' average divides by the number
 * of real pixels in the window.
 */
export function pool(x: T, kind: 'max' | 'avg', w: Window): T {
  const [batch, h, wd, ch] = x.shape;
  const rows = windowAxis(h, w.size[0], w.strides[0], w.padding);
  const cols = windowAxis(wd, w.size[1], w.strides[1], w.padding);
  const out = zeros([batch, rows.out, cols.out, ch]);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows.out; r++) {
      for (let c = 0; c < cols.out; c++) {
        for (let k = 0; k < ch; k++, o++) {
          let best = -Infinity;
          let sum = 0;
          let count = 0;
          for (let i = 0; i < w.size[0]; i++) {
            const y = r * w.strides[0] - rows.pad + i;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < w.size[1]; j++) {
              const xx = c * w.strides[1] - cols.pad + j;
              if (xx < 0 || xx >= wd) continue;
              const v = x.data[((b * h + y) * wd + xx) * ch + k];
              best = Math.max(best, v);
              sum += v;
              count++;
            }
          }
          out.data[o] = kind === 'max' ? best : sum / count;
        }
      }
    }
  }
  return out;
}

/**
 * Normalizes groups of elements that share a statistic: for batch norm each
 * channel over every other axis (`perChannel`), for layer norm each row of
 * the last axis. Variance is biased (divides by the count), as tf.moments and
 * Keras do; then · gamma + beta per channel.
 */
function normalize(x: T, gamma: Float64Array, beta: Float64Array, eps: number, perChannel: boolean): T {
  const c = x.shape[x.shape.length - 1];
  const rows = x.data.length / c;
  const groups = perChannel ? c : rows;
  const member = (g: number, k: number) => (perChannel ? k * c + g : g * c + k);
  const count = perChannel ? rows : c;
  const out = zeros(x.shape);
  for (let g = 0; g < groups; g++) {
    let mean = 0;
    for (let k = 0; k < count; k++) mean += x.data[member(g, k)];
    mean /= count;
    let variance = 0;
    for (let k = 0; k < count; k++) variance += (x.data[member(g, k)] - mean) ** 2;
    variance /= count;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let k = 0; k < count; k++) {
      const i = member(g, k);
      const channel = i % c;
      out.data[i] = (x.data[i] - mean) * inv * gamma[channel] + beta[channel];
    }
  }
  return out;
}

/** Batch normalization in training mode (batch statistics). */
export function batchNorm(x: T, gamma: Float64Array, beta: Float64Array, eps: number): T {
  return normalize(x, gamma, beta, eps, true);
}

/** Layer normalization over the last axis. */
export function layerNorm(x: T, gamma: Float64Array, beta: Float64Array, eps: number): T {
  return normalize(x, gamma, beta, eps, false);
}

/** Element-wise sum of same-shaped tensors. */
export function add(inputs: T[]): T {
  const out = zeros(inputs[0].shape);
  for (const t of inputs) for (let i = 0; i < t.data.length; i++) out.data[i] += t.data[i];
  return out;
}

/** Concatenation along the last axis, in input order. */
export function concatLast(inputs: T[]): T {
  const widths = inputs.map((t) => t.shape[t.shape.length - 1]);
  const total = widths.reduce((a, b) => a + b, 0);
  const rows = inputs[0].data.length / widths[0];
  const out = zeros([...inputs[0].shape.slice(0, -1), total]);
  for (let r = 0; r < rows; r++) {
    let offset = 0;
    inputs.forEach((t, k) => {
      for (let j = 0; j < widths[k]; j++) out.data[r * total + offset + j] = t.data[r * widths[k] + j];
      offset += widths[k];
    });
  }
  return out;
}

/** The batch-mean losses of src-shared/layers/output.ts, from logits z and targets y ([B, K]). */
export function loss(name: string, z: T, y: T): number {
  const [batch, k] = z.shape;
  let total = 0;
  for (let b = 0; b < batch; b++) {
    const row = z.data.subarray(b * k, (b + 1) * k);
    const max = Math.max(...row);
    // log-sum-exp shifted by the max so large logits do not overflow.
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    for (let j = 0; j < k; j++) {
      const zz = row[j];
      const yy = y.data[b * k + j];
      if (name === 'softmaxCrossEntropy') total -= yy * (zz - lse);
      else if (name === 'sigmoidCrossEntropy')
        total += Math.max(zz, 0) - zz * yy + Math.log1p(Math.exp(-Math.abs(zz)));
      else total += (zz - yy) ** 2;
    }
  }
  // Softmax CE is a mean over examples; the other two a mean over every element.
  return name === 'softmaxCrossEntropy' ? total / batch : total / (batch * k);
}

/** Mean of each channel over height and width: NHWC [B, H, W, C] → [B, C]. */
export function globalAveragePool(x: T): T {
  const [batch, h, w, ch] = x.shape;
  const out = zeros([batch, ch]);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < h * w; p++) {
      for (let k = 0; k < ch; k++) out.data[b * ch + k] += x.data[(b * h * w + p) * ch + k];
    }
  }
  for (let i = 0; i < out.data.length; i++) out.data[i] /= h * w;
  return out;
}
