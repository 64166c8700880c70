/**
 * A convolution with its bias and activation in one op on WASM, where the
 * backend's FusedConv2D applies both inside XNNPACK's convolution: a bias add
 * over the whole output (tfjs-wasm broadcasts it element by element) and an
 * activation pass go, and so do the three ops of the activation's gradient
 * (one pass of layer-kernels.wat instead). The gradient is the textbook one:
 * dz = dy ⊙ f′ (from the output y), then the convolution's gradients of dz and
 * the bias's Σ over batch, height and width.
 */
import type { Activation } from '../../../src-shared/layers/activations';
import { tf, type Tensor } from '../backend/tf';
import { fusedActivationName } from './dense';
import { throughActivation, type FusedActivation } from './dense-kernel';
import { convAttrs, convGradients, type ConvOptions } from './fast-ops';
import { throwIfInterrupted } from './interrupt';
import { channelSumsOnHeap, layerKernelsReady } from './layer-kernels';

type Tensor4D = ReturnType<typeof tf.tensor4d>;

const FUSED_CONV_KERNEL = 'BackflowFusedConv2D';

let registered = false;

function ensureFusedConvKernel(): void {
  if (registered) return;
  const fused = tf.getKernel('FusedConv2D', 'wasm');
  if (!fused) throw new Error('backend wasm has no FusedConv2D kernel');
  tf.registerKernel({ kernelName: FUSED_CONV_KERNEL, backendName: 'wasm', kernelFunc: fused.kernelFunc });
  registered = true;
}

tf.registerGradient({
  kernelName: FUSED_CONV_KERNEL,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    // A convolution's gradient is the costliest part of a CNN's backward pass: stop before it.
    throwIfInterrupted();
    const [x, filter, y] = saved as Tensor4D[];
    const options = attrs as unknown as ConvOptions;
    const activation = attrs!.activation as FusedActivation;
    const alpha = attrs!.leakyreluAlpha as number;
    const dz = throughActivation(dy as Tensor, y, activation, alpha) as Tensor4D;
    return {
      ...convGradients(dz, x, filter, options),
      bias: () => channelSumsOnHeap(dz) ?? tf.sum(dz, [0, 1, 2]),
    };
  },
});

/**
 * f(conv(x, filter) + bias) as one op, or undefined where it is not one: off
 * WASM, without the engine's heap kernels, or for an activation FusedConv2D
 * does not apply (the caller then composes the three).
 */
export function conv2dBiasActivation(
  x: Tensor,
  filter: Tensor,
  bias: Tensor | undefined,
  activation: Activation,
  alpha: number,
  options: ConvOptions,
): Tensor | undefined {
  const fusable = fusedActivationName(activation);
  if (!fusable || tf.getBackend() !== 'wasm' || !layerKernelsReady()) return undefined;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== filter.shape[3])) return undefined;
  ensureFusedConvKernel();
  return tf
    .engine()
    .runKernel(
      FUSED_CONV_KERNEL,
      (bias ? { x, filter, bias } : { x, filter }) as never,
      { ...convAttrs(options), activation: fusable, leakyreluAlpha: alpha } as never,
    ) as Tensor;
}
