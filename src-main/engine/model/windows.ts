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
import { matMulOnHeap } from './heap-products';
import { maxPoolOnHeap } from './layer-kernels';

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
  const { padded, rows, cols } = padForWindows(x, kernel, strides, padding, padValue, [1, 2]);
  const windows: Tensor[] = [];
  for (let a = 0; a < kernel[0]; a++)
    for (let b = 0; b < kernel[1]; b++) windows.push(offsetSlice(padded, [a, b], strides, rows, cols));
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

/**
 * Max pooling. Native kernels are used where their gradient is right (CPU,
 * TensorFlow); on WASM, layer-kernels.wat's (layer-kernels.ts), or where WebAssembly
 * SIMD is missing the window max over windows built from reshapes
 * (non-overlapping windows, the usual 2×2 / stride 2) or slices.
 */
export function maxPool(x: Tensor, options: PoolOptions): Tensor {
  if (tf.getBackend() !== 'wasm') {
    return tf.maxPool(x as Tensor4D, options.poolSize, options.strides, options.padding);
  }
  const onHeap = maxPoolOnHeap(x, options);
  if (onHeap) return onHeap;
  const tiled = options.poolSize[0] === options.strides[0] && options.poolSize[1] === options.strides[1];
  const windows = tiled
    ? tiledWindows(x, options.poolSize, options.padding, -Infinity)
    : extractWindows(x, options.poolSize, options.strides, options.padding, -Infinity);
  return windowMax(windows, tf.zeros([]));
}

/**
 * Average pooling over each window's real (unpadded) entries, as TensorFlow
 * defines it for `same` padding: a `valid` pool over the zero-padded input,
 * rescaled by window area / real entries (the stock AvgPoolGrad is right for
 * `valid` on every backend).
 */
export function averagePool(x: Tensor, options: PoolOptions): Tensor {
  if (options.padding === 'valid')
    return tf.avgPool(x as Tensor4D, options.poolSize, options.strides, 'valid');
  const [, height, width] = x.shape;
  const rows = axisGeometry(height, options.poolSize[0], options.strides[0], 'same');
  const cols = axisGeometry(width, options.poolSize[1], options.strides[1], 'same');
  const padded = tf.pad(x, [
    [0, 0],
    [rows.before, rows.after],
    [cols.before, cols.after],
    [0, 0],
  ]);
  const area = options.poolSize[0] * options.poolSize[1];
  const scale = new Float32Array(rows.out * cols.out);
  for (let i = 0; i < rows.out; i++) {
    const top = i * options.strides[0] - rows.before;
    const h = Math.min(top + options.poolSize[0], height) - Math.max(top, 0);
    for (let j = 0; j < cols.out; j++) {
      const left = j * options.strides[1] - cols.before;
      const w = Math.min(left + options.poolSize[1], width) - Math.max(left, 0);
      scale[i * cols.out + j] = area / (h * w);
    }
  }
  const pooled = tf.avgPool(padded as Tensor4D, options.poolSize, options.strides, 'valid');
  return tf.mul(pooled, tf.tensor4d(scale, [1, rows.out, cols.out, 1]));
}

/**
 * Non-overlapping p×q windows as [B, OH, OW, C, p·q] by reshape and
 * transpose alone (no per-offset slices): pad (or crop) to a whole number of
 * windows, split each spatial axis into (windows, offset), move the offsets last.
 */
function tiledWindows(x: Tensor, pool: [number, number], padding: Padding, padValue: number): Tensor {
  const [batch, height, width, channels] = x.shape;
  const rows = axisGeometry(height, pool[0], pool[0], padding);
  const cols = axisGeometry(width, pool[1], pool[1], padding);
  let fitted = x;
  if (rows.before || rows.after || cols.before || cols.after) {
    fitted = tf.pad(
      x,
      [
        [0, 0],
        [rows.before, rows.after],
        [cols.before, cols.after],
        [0, 0],
      ],
      padValue,
    );
  }
  if (rows.out * pool[0] !== fitted.shape[1] || cols.out * pool[1] !== fitted.shape[2]) {
    fitted = tf.slice(fitted, [0, 0, 0, 0], [batch, rows.out * pool[0], cols.out * pool[1], channels]);
  }
  const split = tf.reshape(fitted, [batch, rows.out, pool[0], cols.out, pool[1], channels]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 5, 2, 4]), [
    batch,
    rows.out,
    cols.out,
    channels,
    pool[0] * pool[1],
  ]);
}

/**
 * ∂loss/∂filter of a 2-D convolution, itself computed as a convolution so the
 * backend's fast Conv2D kernel does the work: with the batch moved into the
 * channels, dW[kh, kw, ci, co] = Σ_{b,i,j} x̂[b, i·s + kh, j·s + kw, ci] · dy[b, i, j, co]
 * is a `valid` convolution of x̂ (input channels as the batch) by dy (as the
 * filter, dilated by the stride).
 */
export function conv2dFilterGradient(
  x: Tensor,
  dy: Tensor,
  filterShape: number[],
  strides: [number, number],
  padding: Padding,
): Tensor {
  const [kh, kw, inChannels] = filterShape;
  if (inChannels <= FEW_INPUT_CHANNELS) return filterGradientByProduct(x, dy, filterShape, strides, padding);
  const [, height, width] = x.shape;
  const rows = axisGeometry(height, kh, strides[0], padding);
  const cols = axisGeometry(width, kw, strides[1], padding);
  const input = tf.transpose(x, [3, 1, 2, 0]) as Tensor4D; // [ci, H, W, b]
  const filter = tf.transpose(dy, [1, 2, 0, 3]) as Tensor4D; // [OH, OW, b, co]
  // [ci, ≥kh, ≥kw, co]
  let grad = conv2dPadded(input, filter, [rows.before, rows.after], [cols.before, cols.after], strides);
  if (grad.shape[1] !== kh || grad.shape[2] !== kw) grad = tf.slice(grad, [0, 0, 0, 0], [-1, kh, kw, -1]);
  return tf.transpose(grad, [1, 2, 0, 3]);
}

/**
 * A `valid` convolution of `x` padded with zeros by `rows` (before, after) and
 * `cols`, filter dilated by `dilations`. WASM's Conv2D takes the padding itself,
 * which saves a PadV2 of the whole input (1–2 ms per layer of a small CNN);
 * elsewhere the input is padded first (tfjs-node's Conv2D takes only `same` and `valid`).
 */
export function conv2dPadded(
  x: Tensor4D,
  filter: Tensor4D,
  rows: [number, number],
  cols: [number, number],
  dilations: [number, number] = [1, 1],
): Tensor4D {
  const paddings: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    rows,
    cols,
    [0, 0],
  ];
  if (tf.getBackend() === 'wasm') return tf.conv2d(x, filter, 1, paddings, 'NHWC', dilations);
  const none = rows[0] === 0 && rows[1] === 0 && cols[0] === 0 && cols[1] === 0;
  return tf.conv2d(none ? x : (tf.pad(x, paddings) as Tensor4D), filter, 1, 'valid', 'NHWC', dilations);
}

/**
 * With one to four input channels (an image's first layer), the convolution
 * above has ci output rows of kh·kw pixels: too small an output for Conv2D to
 * run fast (W4's 28×28×1 input: 6 ms for 7 M multiply-adds). The same sum as one
 * plain matrix product instead: dW as [kh·kw·ci, co] = P · dy as [B·OH·OW, co],
 * where row (a·kw + b)·ci + c of P is the input channel c seen at window offset
 * (a, b) by every output pixel: a slice of the padded input per offset.
 */
const FEW_INPUT_CHANNELS = 4;

function filterGradientByProduct(
  x: Tensor,
  dy: Tensor,
  filterShape: number[],
  strides: [number, number],
  padding: Padding,
): Tensor {
  const [kh, kw, inChannels, outChannels] = filterShape;
  const [batch, height, width] = x.shape;
  // [ci·B, H, W]: each offset's slice is then channel by channel, rows of B·OH·OW, and is
  // copied in runs of OW values (tfjs-wasm's Slice copies runs of the last axis; runs of
  // one value were ten times slower).
  const channelsFirst = inChannels === 1 ? x : tf.transpose(x, [3, 0, 1, 2]);
  const planes = tf.reshape(channelsFirst, [inChannels * batch, height, width]);
  const { padded, rows, cols } = padForWindows(planes, [kh, kw], strides, padding, 0, [1, 2]);
  const pixels = batch * rows.out * cols.out;
  const offsets: Tensor[] = [];
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      offsets.push(tf.reshape(offsetSlice(padded, [a, b], strides, rows, cols), [inChannels, pixels]));
  const windowPixels = (offsets.length === 1 ? offsets[0] : tf.concat(offsets, 0)) as Tensor2D;
  const outGrads = tf.reshape(dy, [pixels, outChannels]) as Tensor2D;
  const product = matMulOnHeap(windowPixels, outGrads, {}) ?? tf.matMul(windowPixels, outGrads);
  return tf.reshape(product, filterShape);
}

type Tensor2D = ReturnType<typeof tf.tensor2d>;

/**
 * `x` padded along its two spatial axes (`axes`, [1, 2] for NHWC) so that every
 * window offset's slice of out·stride rows and columns fits: TensorFlow's
 * padding, and on the far side as much more as the last offset's slice needs.
 */
function padForWindows(
  x: Tensor,
  kernel: [number, number],
  strides: [number, number],
  padding: Padding,
  padValue: number,
  axes: [number, number],
) {
  const height = x.shape[axes[0]];
  const width = x.shape[axes[1]];
  const rows = axisGeometry(height, kernel[0], strides[0], padding);
  const cols = axisGeometry(width, kernel[1], strides[1], padding);
  // Each offset's slice spans out·stride rows; pad the far side so it fits.
  const extraRows = Math.max(0, kernel[0] - 1 + rows.out * strides[0] - (rows.before + height + rows.after));
  const extraCols = Math.max(0, kernel[1] - 1 + cols.out * strides[1] - (cols.before + width + cols.after));
  const paddings = x.shape.map((): [number, number] => [0, 0]);
  paddings[axes[0]] = [rows.before, rows.after + extraRows];
  paddings[axes[1]] = [cols.before, cols.after + extraCols];
  const needed = paddings.some(([before, after]) => before || after);
  return { padded: needed ? tf.pad(x, paddings, padValue) : x, rows, cols };
}

/**
 * One window offset's values: rows a, a + s, …, columns b, b + s, … of the
 * padded tensor's spatial axes 1 and 2, whatever comes before and after them
 * (one leading axis, at most one trailing).
 */
function offsetSlice(
  padded: Tensor,
  [a, b]: [number, number],
  strides: [number, number],
  rows: { out: number },
  cols: { out: number },
): Tensor {
  const [lead, , , ...trail] = padded.shape;
  const zeros = trail.map(() => 0);
  let slice = tf.slice(
    padded,
    [0, a, b, ...zeros],
    [lead, rows.out * strides[0], cols.out * strides[1], ...trail],
  );
  if (strides[0] > 1 || strides[1] > 1) {
    // Keep every stride-th row and column: split each axis into (out, stride) and take index 0.
    const split = tf.reshape(slice, [lead, rows.out, strides[0], cols.out, strides[1], ...trail]);
    slice = tf.reshape(
      tf.slice(split, [0, 0, 0, 0, 0, ...zeros], [lead, rows.out, 1, cols.out, 1, ...trail]),
      [lead, rows.out, cols.out, ...trail],
    );
  }
  return slice;
}

export type { Tensor4D };
