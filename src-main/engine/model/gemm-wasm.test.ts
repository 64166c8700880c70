/**
 * gemm.wat against its definition written in JavaScript: each value the bias
 * (or +0), then + A[i,p]·B[p,j] for p = 0…k−1, every product and sum rounded to
 * float32. The kernel promises exactly that order whichever of its loops (4×8
 * tiles, a 1×8 row tail, a 4-row column tail, single values) computes a value,
 * so the comparison is bit for bit, over shapes that reach every loop.
 */
import { describe, expect, it } from 'vitest';
import { compileWat, generatedModule, randomValues, testHeap } from '../wat-test-support';
import { gemmOn, type Gemm } from './gemm-wasm';

function heap(bytes: number) {
  const { memory, place } = testHeap(bytes);
  const gemm = gemmOn(memory);
  if (!gemm) throw new Error('WebAssembly SIMD is not available in this Node');
  return { gemm, place };
}

/** The definition: A m×k row-major (or k×m read transposed), B k×n row-major. */
function reference(
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | undefined,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  relu: boolean,
): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = bias ? bias[j] : 0;
      for (let p = 0; p < k; p++) sum = f(sum + f((transposeA ? a[p * m + i] : a[i * k + p]) * b[p * n + j]));
      // NaN stays NaN; −0 is below +0 (f32x4.max's order).
      out[i * n + j] = relu ? (Number.isNaN(sum) ? NaN : Object.is(sum, -0) || sum < 0 ? 0 : sum) : sum;
    }
  return out;
}

const bitsOf = (values: Float32Array) =>
  Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

function run(
  gemm: Gemm,
  place: ReturnType<typeof heap>['place'],
  shape: [number, number, number],
  options: {
    transposeA: boolean;
    relu: boolean;
    withBias: boolean;
    a?: Float32Array;
  },
) {
  const [m, k, n] = shape;
  const a = options.a ?? randomValues(m * k, m * 31 + k);
  const b = randomValues(k * n, n * 17 + k);
  const bias = options.withBias ? randomValues(n, n + 3) : undefined;
  const out = place(m * n);
  gemm.product({
    a: place(a).at,
    b: place(b).at,
    bias: bias ? place(bias).at : 0,
    out: out.at,
    m,
    k,
    n,
    transposeA: options.transposeA,
    relu: options.relu,
  });
  return { got: out.view(), expected: reference(a, b, bias, m, k, n, options.transposeA, options.relu) };
}

// m: whole groups of four rows and not; n: whole groups of eight columns and not; k: 0 and odd.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [4, 8, 8],
  [3, 5, 7],
  [5, 3, 9],
  [7, 13, 17],
  [8, 0, 8],
  [64, 64, 3],
  [2, 64, 64],
  [12, 2, 24],
  [33, 19, 41],
];

describe('gemm.wat', () => {
  it('is compiled in gemm-wasm.generated.ts', async () => {
    const bytes = await compileWat(new URL('./gemm.wat', import.meta.url));
    const text = generatedModule(
      'gemm.wat',
      'gemm-wasm.test.ts',
      'npx vitest run src-main/engine/model/gemm-wasm.test.ts --update',
      'GEMM_WASM_BASE64',
      bytes,
    );
    await expect(text).toMatchFileSnapshot('./gemm-wasm.generated.ts');
  });

  describe.each(SHAPES)('%i×%i×%i', (m, k, n) => {
    it.each([
      ['A', false, false, false],
      ['Aᵀ', true, false, false],
      ['A with a bias', false, false, true],
      ['Aᵀ with a bias and a ReLU', true, true, true],
      ['A with a ReLU', false, true, false],
    ] as const)('multiplies %s bit for bit as the definition sums', (_, transposeA, relu, withBias) => {
      const { gemm, place } = heap((m * k + k * n + n + m * n) * 4 + 4096);
      const { got, expected } = run(gemm, place, [m, k, n], { transposeA, relu, withBias });
      expect(bitsOf(got)).toEqual(bitsOf(expected));
    });
  });

  it('keeps NaN and ±∞ where they belong, and writes nothing outside the result', () => {
    const [m, k, n] = [6, 4, 11];
    const a = randomValues(m * k, 2);
    a[1 * k + 2] = NaN; // row 1: NaN in every column
    a[5 * k + 0] = Infinity; // row 5 (a tail row): ±∞ or NaN (∞·0 never: B has no zeros)
    const { gemm, place } = heap(4096);
    const before = place(1);
    const { got, expected } = run(gemm, place, [m, k, n], {
      transposeA: false,
      relu: true,
      withBias: true,
      a,
    });
    const after = place(1);
    expect(bitsOf(got)).toEqual(bitsOf(expected));
    expect(Array.from(got.slice(n, 2 * n)).every(Number.isNaN)).toBe(true);
    expect(Array.from(got.slice(5 * n)).every((v) => v === Infinity || v === 0)).toBe(true);
    expect([before.view()[0], after.view()[0]]).toEqual([12345, 12345]);
  });

  it('transposes', () => {
    const { gemm, place } = heap(4096);
    const [rows, cols] = [5, 7];
    const src = randomValues(rows * cols, 9);
    const dst = place(rows * cols);
    gemm.transpose(place(src).at, dst.at, rows, cols);
    const expected = Float32Array.from(
      { length: rows * cols },
      (_, i) => src[(i % rows) * cols + Math.floor(i / rows)],
    );
    expect(Array.from(dst.view())).toEqual(Array.from(expected));
  });
});
