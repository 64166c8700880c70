/**
 * Seeded weight initialisation in plain JavaScript. Weights are drawn here,
 * not by tfjs's random ops, so the same seed gives bit-identical initial
 * weights on every backend (WASM, CPU, native TensorFlow) and in the exported
 * model. Definitions follow Keras / TensorFlow.js, except `standardUniform`,
 * the U[−1/√fan_in, 1/√fan_in] "standard" init of Glorot & Bengio (2010).
 */
import type { InitializerSpec } from '../../../src-shared/layers/initializers';
import type { WeightInit } from '../../../src-shared/layers/types';
import { createRandom, type Random } from '../data/random';

/** fan_in and fan_out of a dense kernel [in, out] or a conv kernel [kh, kw, in, out]. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

/**
 * Keras draws "normal" variance-scaling weights from a normal truncated at
 * ±2σ, with σ divided by this constant so the truncated distribution keeps
 * the intended variance.
 */
const TRUNCATED_NORMAL_STD_CORRECTION = 0.8796256610342398;

/** Draws a kernel of `shape` from `spec` with a stream seeded by `seed`. */
export function initializeKernel(
  spec: InitializerSpec,
  shape: readonly number[],
  seed: number,
): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const random = createRandom(seed);
  const { fanIn, fanOut } = fans(shape);
  const uniform = (limit: number) => {
    for (let i = 0; i < size; i++) values[i] = random.uniform(-limit, limit);
  };
  const truncated = (scale: number) => {
    const sigma = Math.sqrt(scale) / TRUNCATED_NORMAL_STD_CORRECTION;
    for (let i = 0; i < size; i++) values[i] = truncatedNormal(random) * sigma;
  };
  switch (spec.name) {
    case 'standardUniform':
      uniform(1 / Math.sqrt(fanIn));
      break;
    case 'glorotUniform':
      uniform(Math.sqrt(6 / (fanIn + fanOut)));
      break;
    case 'glorotNormal':
      truncated(2 / (fanIn + fanOut));
      break;
    case 'heUniform':
      uniform(Math.sqrt(6 / fanIn));
      break;
    case 'heNormal':
      truncated(2 / fanIn);
      break;
    case 'lecunUniform':
      uniform(Math.sqrt(3 / fanIn));
      break;
    case 'lecunNormal':
      truncated(1 / fanIn);
      break;
    case 'randomNormal':
      for (let i = 0; i < size; i++) values[i] = random.normal() * spec.stddev;
      break;
    case 'randomUniform':
      uniform(spec.limit);
      break;
    case 'orthogonal':
      orthogonal(values, fanIn, size / fanIn, spec.gain, random);
      break;
    case 'zeros':
      break;
  }
  return values;
}

/** A standard normal deviate resampled until it falls within ±2. */
function truncatedNormal(random: Random): number {
  for (;;) {
    const value = random.normal();
    if (value >= -2 && value <= 2) return value;
  }
}

/**
 * Fills `out` (rows × cols, row-major) with a random orthogonal matrix times
 * `gain`: the Q of a QR decomposition of a Gaussian matrix, signs fixed by
 * R's diagonal so Q is uniformly (Haar) distributed (Saxe et al. 2014;
 * Mezzadri 2007). Modified Gram–Schmidt in float64 on the taller orientation.
 */
function orthogonal(out: Float32Array, rows: number, cols: number, gain: number, random: Random): void {
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  // Columns of an m × n Gaussian matrix, orthonormalised in place.
  const columns = Array.from({ length: n }, () => Float64Array.from({ length: m }, () => random.normal()));
  for (let j = 0; j < n; j++) {
    const v = columns[j];
    for (let k = 0; k < j; k++) {
      const q = columns[k];
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i] * v[i];
      for (let i = 0; i < m; i++) v[i] -= dot * q[i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) v[i] /= norm;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (tall ? columns[c][r] : columns[r][c]);
    }
  }
}

/**
 * The starting values of a catalogue weight (see `LayerSpec.weights`): ones
 * and zeros directly, anything else drawn by {@link initializeKernel}.
 */
export function initialValues(init: WeightInit, shape: readonly number[], seed: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (init.name === 'ones') return new Float32Array(size).fill(1);
  if (init.name === 'zeros') return new Float32Array(size);
  return initializeKernel(init, shape, seed);
}
