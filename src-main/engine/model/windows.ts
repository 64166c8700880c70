/**
 * Pooling and the convolution filter gradient written over sliding windows
 * built from Pad, Slice and Reshape (ops whose gradients are correct on every
 * backend). The stock WASM kernels are wrong here, as the float64 reference
 * tests showed: MaxPoolGrad with more than one channel or `same` padding,
 * Conv3DBackpropFilterV2 with strides > 1, and every backend's AvgPoolGrad
 * for `same` padding (it divides border windows by the full window size).
 */
import { customBinaryOp } from '../backend/scope';
import { tf, type Tensor } from '../backend/tf';

type Tensor4D = ReturnType<typeof tf.tensor4d>;
export type Padding = 'same' | 'valid';

/** Output size and padding along one axis, by TensorFlow's rules. */
export function axisGeometry(size: number, window: number, stride: number, padding: Padding) {
  if (padding === 'valid') return { out: Math.floor((size - window) / stride) + 1, before: 0, after: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/**
 * The windows of `x` [B, H, W, C] as [B, OH, OW, C, kh·kw] (window offsets
 * in row-major order), padding with `padValue`.
 */
export function extractWindows(
  x: Tensor,
  kernel: [number, number],
  strides: [number, number],
  padding: Padding,
  padValue: number,
): Tensor {
  const [batch, height, width, channels] = x.shape;
  const rows = axisGeometry(height, kernel[0], strides[0], padding);
  const cols = axisGeometry(width, kernel[1], strides[1], padding);
  // Each offset's slice spans out·stride rows; pad the far side so it fits.
  const extraRows = Math.max(0, kernel[0] - 1 + rows.out * strides[0] - (rows.before + height + rows.after));
  const extraCols = Math.max(0, kernel[1] - 1 + cols.out * strides[1] - (cols.before + width + cols.after));
  const padded = tf.pad(
    x,
    [
      [0, 0],
      [rows.before, rows.after + extraRows],
      [cols.before, cols.after + extraCols],
      [0, 0],
    ],
    padValue,
  );
  const windows: Tensor[] = [];
  for (let a = 0; a < kernel[0]; a++) {
    for (let b = 0; b < kernel[1]; b++) {
      let slice = tf.slice(
        padded,
        [0, a, b, 0],
        [batch, rows.out * strides[0], cols.out * strides[1], channels],
      );
      if (strides[0] > 1 || strides[1] > 1) {
        // Keep every stride-th row and column: split each axis into (out, stride) and take index 0.
        const split = tf.reshape(slice, [batch, rows.out, strides[0], cols.out, strides[1], channels]);
        slice = tf.reshape(tf.slice(split, [0, 0, 0, 0, 0, 0], [batch, rows.out, 1, cols.out, 1, channels]), [
          batch,
          rows.out,
          cols.out,
          channels,
        ]);
      }
      windows.push(slice);
    }
  }
  return windows.length === 1 ? tf.expandDims(windows[0], 4) : tf.stack(windows, 4);
}

/**
 * Max over the last axis whose gradient goes to the first maximal entry only,
 * as TensorFlow's MaxPoolGrad does (after a ReLU, windows of zeros tie).
 */
const windowMax = customBinaryOp((windows, _unused) => {
  const value = tf.max(windows, -1);
  return {
    value,
    save: [windows],
    gradient: (dy, [w]) => {
      const size = w.shape[w.shape.length - 1];
      // oneHot's dtype argument is broken on WASM (it returns int bits as floats): cast instead.
      const first = tf.cast(tf.oneHot(tf.argMax(w, -1), size), 'float32');
      return [tf.mul(first, tf.expandDims(dy, -1)), tf.zeros([])];
    },
  };
});

export interface PoolOptions {
  poolSize: [number, number];
  strides: [number, number];
  padding: Padding;
}

export function maxPool(x: Tensor, options: PoolOptions): Tensor {
  const windows = extractWindows(x, options.poolSize, options.strides, options.padding, -Infinity);
  return windowMax(windows, tf.zeros([]));
}

/** Average over each window's real (unpadded) entries, as TensorFlow's `same` average pooling. */
export function averagePool(x: Tensor, options: PoolOptions): Tensor {
  const [, height, width] = x.shape;
  const windows = extractWindows(x, options.poolSize, options.strides, options.padding, 0);
  const rows = axisGeometry(height, options.poolSize[0], options.strides[0], options.padding);
  const cols = axisGeometry(width, options.poolSize[1], options.strides[1], options.padding);
  const counts = new Float32Array(rows.out * cols.out);
  for (let i = 0; i < rows.out; i++) {
    const top = i * options.strides[0] - rows.before;
    const h = Math.min(top + options.poolSize[0], height) - Math.max(top, 0);
    for (let j = 0; j < cols.out; j++) {
      const left = j * options.strides[1] - cols.before;
      const w = Math.min(left + options.poolSize[1], width) - Math.max(left, 0);
      counts[i * cols.out + j] = 1 / (h * w);
    }
  }
  return tf.mul(tf.sum(windows, -1), tf.tensor4d(counts, [1, rows.out, cols.out, 1]));
}

/**
 * ∂loss/∂filter of a 2-D convolution as one matrix product over im2col
 * patches: dW[k, co] = Σ_n patches[n, k] · dy[n, co], computed as (dyᵀ · patches)ᵀ
 * so the large operand is never transposed.
 */
export function conv2dFilterGradient(
  x: Tensor,
  dy: Tensor,
  filterShape: number[],
  strides: [number, number],
  padding: Padding,
): Tensor {
  const [kh, kw, channels, filters] = filterShape;
  const windows = extractWindows(x, [kh, kw], strides, padding, 0); // [B, OH, OW, C, K]
  const [batch, oh, ow] = windows.shape;
  const patches = tf.reshape(tf.transpose(windows, [0, 1, 2, 4, 3]), [batch * oh * ow, kh * kw * channels]);
  const dyRows = tf.reshape(dy, [batch * oh * ow, filters]);
  const product = tf.matMul(
    tf.transpose(dyRows) as ReturnType<typeof tf.tensor2d>,
    patches as ReturnType<typeof tf.tensor2d>,
  );
  return tf.reshape(tf.transpose(product), [kh, kw, channels, filters]);
}

export type { Tensor4D };
