/**
 * Matrix products and convolutions with hand-written gradients. tfjs's stock
 * gradient of matMul uses the transposeA / transposeB flags, which the WASM
 * backend runs 7–12× slower than a plain product, and stock WASM has no
 * Conv2DBackpropFilter kernel at all. Transposing explicitly and calling the
 * plain kernels keeps every backend on its fast path. The values are the
 * same mathematics as the stock gradients (checked against float64 finite
 * differences in engine/reference).
 */
import { tf, type Tensor } from '../backend/tf';
import { throwIfInterrupted } from './interrupt';
import { kernelAlias } from './kernel-alias';
import { axisGeometry, conv2dFilterGradient, conv2dPadded } from './windows';

type Tensor4D = ReturnType<typeof tf.tensor4d>;

export interface ConvOptions {
  strides: [number, number];
  padding: 'same' | 'valid';
}

const CONV_KERNEL = 'BackflowConv2D';

const ensureConvKernel = kernelAlias(CONV_KERNEL, 'Conv2D');

// A registered gradient rather than tf.customGrad: tfjs asks for each input's gradient only
// when something upstream needs it, so a network's first convolution, whose input is the
// data, skips its input gradient (a whole convolution), and the saved tensors are not copied.
tf.registerGradient({
  kernelName: CONV_KERNEL,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    // A convolution's gradient is the costliest part of a CNN's backward pass: stop before it.
    throwIfInterrupted();
    const [x, filter] = saved as Tensor4D[];
    return convGradients(dy as Tensor4D, x, filter, attrs as unknown as ConvOptions);
  },
});

/**
 * 2-D convolution (NHWC input, [kh, kw, in, out] filter): the backend's Conv2D,
 * with the gradients below (Conv2DBackpropFilter where the backend has it, an
 * im2col product on WASM).
 */
export function conv2dFast(x: Tensor, filter: Tensor, options: ConvOptions): Tensor {
  ensureConvKernel();
  return tf.engine().runKernel(CONV_KERNEL, { x, filter } as never, convAttrs(options) as never) as Tensor;
}

/** The attributes tfjs's Conv2D and FusedConv2D read, and the engine's own that its gradients read. */
export function convAttrs(options: ConvOptions) {
  return { ...options, pad: options.padding, dataFormat: 'NHWC', dilations: [1, 1] };
}

/** A convolution's input and filter gradients from ∂loss/∂output, as lazy closures for tfjs. */
export function convGradients(dy: Tensor4D, x: Tensor4D, filter: Tensor4D, options: ConvOptions) {
  return {
    x: () => conv2dInputGradient(dy, filter, x.shape, options),
    filter: () => conv2dFilterGrad(x, dy, filter.shape, options),
  };
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

/**
 * ∂loss/∂input of a convolution. With stride 1 it is a plain convolution of
 * the padded output gradient by the flipped, transposed filter, which runs on
 * the backend's fast Conv2D kernel (WASM's Conv2DBackpropInput is about 3×
 * slower than its Conv2D); strided convolutions use the transposed convolution.
 */
function conv2dInputGradient(
  dy: Tensor4D,
  filter: Tensor4D,
  inputShape: [number, number, number, number],
  options: ConvOptions,
): Tensor {
  if (options.strides[0] !== 1 || options.strides[1] !== 1) {
    return tf.conv2dTranspose(dy, filter, inputShape, options.strides, options.padding);
  }
  const [kh, kw] = filter.shape;
  const [, height, width] = inputShape;
  const rows = axisGeometry(height, kh, 1, options.padding);
  const cols = axisGeometry(width, kw, 1, options.padding);
  const top = kh - 1 - rows.before;
  const left = kw - 1 - cols.before;
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
  return conv2dPadded(
    dy,
    flipped,
    [top, height + kh - 1 - rows.out - top],
    [left, width + kw - 1 - cols.out - left],
  );
}
