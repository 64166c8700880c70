/** Remedy edits that change a layer's non-linearity or its initial weights. */
import type { Design } from '../../design/types';
import type { Activation } from '../../layers/activations';
import { activationSite, isReluFamily, isSaturating, nodeById, withParams } from '../network';

/**
 * Sets the activation of the named layers to `to`: in the layer's own
 * `activation` param, or in the activation node that follows it (for a
 * dense → BatchNorm → sigmoid chain). Only sites whose current activation
 * `from` accepts change (by default sigmoid and tanh).
 */
export function swapActivation(
  design: Design,
  layerIds: readonly string[],
  to: Activation,
  from: (activation: Activation) => boolean = isSaturating,
): Design {
  let result = design;
  for (const id of layerIds) {
    const site = activationSite(result, id);
    if (site && site.activation !== to && from(site.activation)) {
      result = withParams(result, site.nodeId, { activation: to });
    }
  }
  return result;
}

/**
 * The initializer that suits an activation: He (Kaiming) for the ReLU
 * family, LeCun for SELU, Xavier (Glorot) for sigmoid and tanh; undefined
 * when no standard pairing applies (linear, GELU, …).
 */
export function initializerFor(activation: Activation | undefined): string | undefined {
  if (activation === 'selu') return 'lecunNormal';
  if (isReluFamily(activation)) return 'heNormal';
  if (isSaturating(activation)) return 'glorotUniform';
  return undefined;
}

/** The name in a `kernelInitializer` param (a bare name or `{ name, … }`). */
export function initializerName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'name' in value && typeof value.name === 'string') {
    return value.name;
  }
  return undefined;
}

/**
 * Gives each named dense or conv2d layer the initializer its activation
 * calls for ({@link initializerFor}); layers without a pairing keep theirs.
 */
export function matchInitializers(design: Design, layerIds: readonly string[]): Design {
  let result = design;
  for (const id of layerIds) {
    const node = nodeById(result, id);
    if (!node || (node.type !== 'dense' && node.type !== 'conv2d')) continue;
    const wanted = initializerFor(activationSite(result, id)?.activation);
    if (wanted && initializerName(node.params.kernelInitializer) !== wanted) {
      result = withParams(result, id, { kernelInitializer: wanted });
    }
  }
  return result;
}

/** The named layers whose initializer does not match their activation: what {@link matchInitializers} would change. */
export function mismatchedInitializers(design: Design, layerIds: readonly string[]): string[] {
  return layerIds.filter((id) => {
    const node = nodeById(design, id);
    if (!node || (node.type !== 'dense' && node.type !== 'conv2d')) return false;
    const wanted = initializerFor(activationSite(design, id)?.activation);
    return wanted !== undefined && initializerName(node.params.kernelInitializer) !== wanted;
  });
}
