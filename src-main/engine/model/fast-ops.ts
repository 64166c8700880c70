/**
 * Matrix products and convolutions with hand-written gradients. tfjs's stock
 * gradient of matMul uses the transposeA / transposeB flags, which the WASM
 * backend runs 7–12× slower than a plain product, and stock WASM has no
 * Conv2DBackpropFilter kernel at all. Transposing explicitly and calling the
 * plain kernels keeps every backend on its fast path. The values are the
 * same mathematics as the stock gradients (checked against float64 finite
 * differences in engine/reference).
 */
import { customBinaryOp } from '../backend/scope';
import { tf, type Tensor } from '../backend/tf';
import { conv2dFilterGradient } from './windows';

type Tensor4D = ReturnType<typeof tf.tensor4d>;

export interface ConvOptions {
  strides: [number, number];
  padding: 'same' | 'valid';
}

/**
 * 2-D convolution (NHWC input, [kh, kw, in, out] filter) whose filter
 * gradient uses Conv2DBackpropFilter where the backend has it and an im2col
 * matrix product on WASM.
 */
export function conv2dFast(x: Tensor, filter: Tensor, options: ConvOptions): Tensor {
  const op = customBinaryOp((xi, fi) => ({
    value: tf.conv2d(xi as Tensor4D, fi as Tensor4D, options.strides, options.padding),
    save: [xi, fi],
    gradient: (dy, [xs, fs]) => {
      const g = dy as Tensor4D;
      const dx = tf.conv2dTranspose(
        g,
        fs as Tensor4D,
        (xs as Tensor4D).shape,
        options.strides,
        options.padding,
      );
      return [dx, conv2dFilterGrad(xs as Tensor4D, g, fs.shape, options)];
    },
  }));
  return op(x, filter);
}

function conv2dFilterGrad(x: Tensor4D, dy: Tensor4D, filterShape: number[], options: ConvOptions): Tensor {
  // Backends with a native filter-gradient kernel use it; WASM has none (and its
  // Conv3DBackpropFilterV2 is wrong for strides > 1), so it gets im2col.
  if (tf.getBackend() !== 'wasm' && tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined) {
    return tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: options.strides, pad: options.padding, dataFormat: 'NHWC', filterShape },
      ) as Tensor;
  }
  return conv2dFilterGradient(x, dy, filterShape, options.strides, options.padding);
}
