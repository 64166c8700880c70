/**
 * Matrix products and convolutions with hand-written gradients. tfjs's stock
 * gradient of matMul uses the transposeA / transposeB flags, which the WASM
 * backend runs 7–12× slower than a plain product, and stock WASM has no
 * Conv2DBackpropFilter kernel at all. Transposing explicitly and calling the
 * plain kernels keeps every backend on its fast path. The values are the
 * same mathematics as the stock gradients (checked by finite differences in
 * the tests).
 */
import { customBinaryOp } from '../backend/scope';
import { tf, type Tensor } from '../backend/tf';

type Tensor2D = ReturnType<typeof tf.tensor2d>;
type Tensor4D = ReturnType<typeof tf.tensor4d>;

/** x · w for x [batch, in] and w [in, out]; dx = dy · wᵀ, dw = xᵀ · dy. */
export const matMulFast = customBinaryOp((x, w) => ({
  value: tf.matMul(x as Tensor2D, w as Tensor2D),
  save: [x, w],
  gradient: (dy, [xs, ws]) => [
    tf.matMul(dy as Tensor2D, tf.transpose(ws as Tensor2D)),
    tf.matMul(tf.transpose(xs as Tensor2D), dy as Tensor2D),
  ],
}));

export interface ConvOptions {
  strides: [number, number];
  padding: 'same' | 'valid';
}

/**
 * 2-D convolution (NHWC input, [kh, kw, in, out] filter) whose filter
 * gradient uses Conv2DBackpropFilter where the backend has it and, on WASM,
 * the 3-D kernel Conv3DBackpropFilterV2 on a depth-1 volume (the same sum).
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
  const hasKernel = tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined;
  if (hasKernel) {
    return tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: options.strides, pad: options.padding, dataFormat: 'NHWC', filterShape },
      ) as Tensor;
  }
  const [b, h, w, c] = x.shape;
  const [, oh, ow, oc] = dy.shape;
  const x5 = tf.reshape(x, [b, 1, h, w, c]);
  const dy5 = tf.reshape(dy, [b, 1, oh, ow, oc]);
  const [kh, kw, ci, co] = filterShape;
  const grad = tf
    .engine()
    .runKernel(
      'Conv3DBackpropFilterV2',
      { x: x5, dy: dy5 },
      { strides: [1, ...options.strides], pad: options.padding, filterShape: [1, kh, kw, ci, co] },
    ) as Tensor;
  return tf.reshape(grad, filterShape);
}
