/**
 * layer-kernels.wat against plain JavaScript written from the definitions (TensorFlow's
 * window geometry, the gradient to each window's first maximal pixel in
 * row-major order, sums in float64), over geometries chosen to break it:
 * channel counts that are not multiples of four or sixteen, `same` padding
 * with windows cut by every border, overlapping windows, windows of tied
 * values (integers, mostly zero, as after a ReLU), NaN and ±∞.
 */
import { describe, expect, it } from 'vitest';
import { compileWat, generatedModule, randomValues, testHeap } from '../wat-test-support';
import { layerKernels, type PoolGeometry } from './layer-kernels-wasm';
import { axisGeometry, type Padding } from './windows';

function geometry(
  [batch, height, width, channels]: number[],
  [poolH, poolW]: [number, number],
  [strideH, strideW]: [number, number],
  padding: Padding,
): PoolGeometry {
  const rows = axisGeometry(height, poolH, strideH, padding);
  const cols = axisGeometry(width, poolW, strideW, padding);
  return {
    batch,
    height,
    width,
    channels,
    poolH,
    poolW,
    strideH,
    strideW,
    padTop: rows.before,
    padLeft: cols.before,
    outH: rows.out,
    outW: cols.out,
  };
}

/** Each window's pixels (flat NHWC indices of channel c), in row-major order. */
function* windows(g: PoolGeometry) {
  for (let b = 0; b < g.batch; b++)
    for (let oh = 0; oh < g.outH; oh++)
      for (let ow = 0; ow < g.outW; ow++)
        for (let c = 0; c < g.channels; c++) {
          const pixels: number[] = [];
          for (let i = 0; i < g.poolH; i++)
            for (let j = 0; j < g.poolW; j++) {
              const r = oh * g.strideH - g.padTop + i;
              const q = ow * g.strideW - g.padLeft + j;
              if (r >= 0 && r < g.height && q >= 0 && q < g.width)
                pixels.push(((b * g.height + r) * g.width + q) * g.channels + c);
            }
          yield { out: ((b * g.outH + oh) * g.outW + ow) * g.channels + c, pixels };
        }
}

function referenceMaxPool(x: Float32Array, g: PoolGeometry) {
  const out = new Float32Array(g.batch * g.outH * g.outW * g.channels);
  for (const w of windows(g)) {
    const values = w.pixels.map((p) => x[p]);
    out[w.out] = values.some(Number.isNaN) ? NaN : Math.max(...values);
  }
  return out;
}

function referenceMaxPoolGrad(dy: Float32Array, x: Float32Array, g: PoolGeometry) {
  const dx = new Float64Array(x.length);
  for (const w of windows(g)) {
    const nan = w.pixels.find((p) => Number.isNaN(x[p]));
    const max = Math.max(...w.pixels.map((p) => x[p]));
    dx[nan ?? w.pixels.find((p) => x[p] === max)!] += dy[w.out];
  }
  return Float32Array.from(dx);
}

function heap(bytes: number) {
  const { memory, place } = testHeap(bytes);
  const kernels = layerKernels(memory);
  if (!kernels) throw new Error('WebAssembly SIMD is not available in this Node');
  return { kernels, place };
}

/** Small integers, half of them zero: windows full of ties. */
function tiedValues(n: number, seed: number): Float32Array {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
  return Float32Array.from({ length: n }, () => (next() < 0.5 ? 0 : Math.floor(next() * 5) - 2));
}

const CASES: [string, number[], [number, number], [number, number], Padding][] = [
  ['2×2 / 2 valid, 16 channels', [2, 8, 8, 16], [2, 2], [2, 2], 'valid'],
  ['2×2 / 2 same on odd sizes, 5 channels', [2, 7, 9, 5], [2, 2], [2, 2], 'same'],
  ['3×3 / 2 same (overlapping), 3 channels', [2, 9, 8, 3], [3, 3], [2, 2], 'same'],
  ['3×3 / 1 same, 20 channels', [1, 6, 5, 20], [3, 3], [1, 1], 'same'],
  ['2×3 / 1×2 valid, 1 channel', [3, 5, 7, 1], [2, 3], [1, 2], 'valid'],
  ['4×4 / 3 same, 17 channels', [1, 10, 11, 17], [4, 4], [3, 3], 'same'],
];

describe('layer-kernels.wat', () => {
  it('is compiled in layer-kernels-wasm.generated.ts', async () => {
    const bytes = await compileWat(new URL('./layer-kernels.wat', import.meta.url));
    const text = generatedModule(
      'layer-kernels.wat',
      'layer-kernels-wasm.test.ts',
      'npx vitest run src-main/engine/model/layer-kernels-wasm.test.ts --update',
      'LAYER_KERNELS_WASM_BASE64',
      bytes,
    );
    await expect(text).toMatchFileSnapshot('./layer-kernels-wasm.generated.ts');
  });

  describe.each(CASES)('%s', (_, shape, pool, strides, padding) => {
    const g = geometry(shape, pool, strides, padding);
    const size = shape.reduce((a, b) => a * b, 1);
    const outSize = g.batch * g.outH * g.outW * g.channels;

    it.each([
      ['tied values', tiedValues(size, 7)],
      ['random values', randomValues(size, 11)],
    ])('max pools and routes the gradient as the definition does (%s)', (_, x) => {
      const { kernels, place } = heap((size * 3 + outSize * 2) * 4);
      const dy = randomValues(outSize, 5);
      const xAt = place(x);
      const out = place(outSize);
      const dyAt = place(dy);
      const dx = place(size);
      kernels.maxPool(xAt.at, out.at, g);
      expect(Array.from(out.view())).toEqual(Array.from(referenceMaxPool(x, g)));
      kernels.maxPoolGrad(dyAt.at, xAt.at, dx.at, g);
      const expected = referenceMaxPoolGrad(dy, x, g);
      const got = dx.view();
      // Overlapping windows add in another order than the float64 reference: within rounding.
      for (let i = 0; i < size; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(1e-6);
      // Every window's gradient arrived somewhere, once.
      const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
      expect(sum(got)).toBeCloseTo(sum(dy), 4);
    });
  });

  it('passes NaN through the max and sends its gradient to the first NaN', () => {
    const g = geometry([1, 2, 4, 4], [2, 2], [2, 2], 'valid');
    // Pixels of four channels, the top image row then the bottom one (all of it [0, 0, −∞, 9]).
    const x = Float32Array.from(
      [
        [1, 5, -Infinity, 2],
        [NaN, Infinity, -Infinity, 3],
        [7, NaN, -Infinity, 1],
        [4, 2, -Infinity, 0],
        ...Array.from({ length: 4 }, () => [0, 0, -Infinity, 9]),
      ].flat(),
    );
    const { kernels, place } = heap(1024);
    const xAt = place(x);
    const out = place(8);
    const dy = place(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const dx = place(x.length);
    kernels.maxPool(xAt.at, out.at, g);
    // Window 1 holds pixels (0, 0), (0, 1), (1, 0), (1, 1); window 2 the next two columns.
    expect(Array.from(out.view())).toEqual([NaN, Infinity, -Infinity, 9, 7, NaN, -Infinity, 9]);
    kernels.maxPoolGrad(dy.at, xAt.at, dx.at, g);
    expect(Array.from(dx.view())).toEqual(Array.from(referenceMaxPoolGrad(dy.view(), x, g)));
    const at = (r: number, q: number, c: number) => dx.view()[(r * 4 + q) * 4 + c];
    expect(at(0, 1, 0)).toBe(1); // window 1's NaN
    expect(at(0, 2, 1)).toBe(6); // window 2's NaN, not the +∞ of window 1
    expect(at(1, 0, 3)).toBe(4); // the first of two tied 9s
    expect(at(1, 1, 3)).toBe(0);
  });

  describe.each(['sigmoid', 'relu', 'leakyrelu', 'elu'] as const)('the %s gradient', (activation) => {
    const f = Math.fround;
    // The op chain of dense-kernel.ts's derivativeFromOutput, one float32 rounding per op.
    const derivative = (y: number, alpha: number): number => {
      const step = Number.isNaN(y) ? NaN : y > 0 ? 1 : 0;
      if (activation === 'sigmoid') return f(y * f(1 - y));
      if (activation === 'relu') return step;
      if (activation === 'leakyrelu') return f(f(step * f(1 - alpha)) + f(alpha));
      return Math.min(f(y + 1), 1);
    };

    it.each([1, 7, 64, 131])('equals dy times the op chain bit for bit (%i values)', (n) => {
      const y = randomValues(n, n + 3).map((v, i) =>
        i % 5 === 0 ? 0 : activation === 'sigmoid' ? (v + 1) / 2 : v,
      );
      if (n > 4) y[3] = NaN;
      const dy = randomValues(n, n + 17);
      const alpha = 0.3; // not a float32: 1 − α rounds differently in float64 and float32
      const { kernels, place } = heap(n * 12 + 256);
      const dyAt = place(dy);
      const yAt = place(y);
      const out = place(n);
      kernels.activationGradient(dyAt.at, yAt.at, out.at, n, activation, alpha);
      const expected = Array.from(y, (v, i) => f(dy[i] * derivative(v, alpha)));
      expect(Array.from(out.view())).toEqual(expected);
    });
  });

  it.each([1, 6, 64, 130])('takes a plain SGD step as the two ops do, bit for bit (%i values)', (n) => {
    const f = Math.fround;
    const w = randomValues(n, n + 1);
    const g = randomValues(n, n + 2).map((v, i) => (i % 3 === 0 ? v * 1e-6 : v));
    const learningRate = 0.1; // not a float32: −lr is rounded once, as tf.mul's scalar is
    const { kernels, place } = heap(n * 16 + 256);
    const [gAt, wAt, step, value] = [place(g), place(w), place(n), place(n)];
    kernels.sgdStep(gAt.at, wAt.at, step.at, value.at, n, learningRate);
    const expectedStep = Array.from(g, (v) => f(v * f(-learningRate)));
    expect(Array.from(step.view())).toEqual(expectedStep);
    expect(Array.from(value.view())).toEqual(Array.from(w, (v, i) => f(v + expectedStep[i])));
  });

  it.each([0, 3, 4, 9, 1001])('sums the squares of %i values in float64', (n) => {
    // Values whose squares float32 could not hold (1e-25) or add up (1e20 beside 1).
    const x = randomValues(n, n + 5).map((v, i) => (i % 7 === 1 ? 1e-25 : i % 11 === 2 ? 1e10 * v : v));
    const { kernels, place } = heap(n * 4 + 256);
    const at = place(x);
    let expected = 0;
    for (const v of x) expected += v * v;
    if (n === 0) expect(kernels.sumSquares(at.at, n)).toBe(0);
    else expect(kernels.sumSquares(at.at, n) / expected).toBeCloseTo(1, 12);
  });

  it.each([1, 3, 4, 16, 21, 36])('sums %i channels over many rows in float64', (channels) => {
    const rows = 5003;
    const values = randomValues(rows * channels, channels).map((v, i) => (i % 7 === 0 ? v * 1e4 : v));
    const { kernels, place } = heap((rows + 1) * channels * 4 + 64);
    const at = place(values);
    const out = place(channels);
    kernels.channelSums(at.at, out.at, rows, channels);
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += values[r * channels + c];
      expect(out.view()[c]).toBe(Math.fround(sum));
    }
  });
});
