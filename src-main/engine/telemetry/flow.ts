/**
 * The gradient-flow norms of merge layers (docs/telemetry.md, "Where the
 * gradient flows"): each is the L2 norm of a sum of gradients observed in
 * the backward pass, or of a slice of one. Computed beside the layer
 * statistics and read back in the same transfer: in plain loops over the
 * backend's memory on cpu and wasm, as tfjs ops elsewhere.
 */
import { tf, type Tensor } from '../backend/tf';

/** One flow norm: ‖Σ grads‖, or ‖slice of grads[0]‖; no grads means it could not be measured (NaN). */
export interface FlowTerm {
  grads: readonly Tensor[];
  /** A slice along `axis` (of the full shape, batch included): `size` entries from `begin`. */
  slice?: { axis: number; begin: number; size: number };
}

/** ‖term‖ from the float32 values of its tensors, accumulated in float64 (no underflow of tiny squares). */
export function flowNormFromValues(term: FlowTerm, values: (t: Tensor) => Float32Array): number {
  const { grads, slice } = term;
  if (grads.length === 0) return NaN;
  let sum = 0;
  if (slice) {
    const g = values(grads[0]);
    const shape = grads[0].shape;
    const width = shape[slice.axis];
    const inner = shape.slice(slice.axis + 1).reduce((a, b) => a * b, 1);
    const outer = g.length / (width * inner);
    for (let o = 0; o < outer; o++) {
      const start = (o * width + slice.begin) * inner;
      const end = start + slice.size * inner;
      for (let k = start; k < end; k++) sum += g[k] * g[k];
    }
  } else if (grads.length === 1) {
    const g = values(grads[0]);
    for (let k = 0; k < g.length; k++) sum += g[k] * g[k];
  } else {
    const arrays = grads.map(values);
    for (let k = 0; k < arrays[0].length; k++) {
      let v = 0;
      for (const a of arrays) v += a[k];
      sum += v * v;
    }
  }
  return Math.sqrt(sum);
}

/** The norms as one 1-D tensor of tfjs ops, for backends whose memory this process cannot read. */
export function flowNormsWithOps(terms: readonly FlowTerm[]): Tensor {
  const norms = terms.map(({ grads, slice }) => {
    if (grads.length === 0) return tf.scalar(NaN);
    let g = grads.length === 1 ? grads[0] : tf.addN([...grads]);
    if (slice) {
      const begin = g.shape.map((_, a) => (a === slice.axis ? slice.begin : 0));
      const size = g.shape.map((d, a) => (a === slice.axis ? slice.size : d));
      g = tf.slice(g, begin, size);
    }
    // Scaled by the largest magnitude, so squares of gradients near 1e-23 do not underflow float32.
    const magnitude = tf.abs(tf.reshape(g, [-1]));
    const scale = tf.maximum(tf.max(magnitude), 1e-30);
    return tf.mul(scale, tf.sqrt(tf.sum(tf.square(tf.div(magnitude, scale)))));
  });
  return tf.stack(norms);
}
