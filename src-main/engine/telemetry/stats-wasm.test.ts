/**
 * The SIMD WebAssembly reductions (stats.wat) against the JavaScript loops
 * and against float64 arithmetic, on data chosen to break them: lengths
 * that are not multiples of four, zeros, subnormals, 1e-30 gradients whose
 * squares underflow float32, ±∞, NaN, a mean far from zero, and values one
 * float32 step either side of every histogram edge.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtFactory from 'wabt';
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_BINS, HISTOGRAM_LOG10_MIN } from '../../../src-shared/telemetry';
import { HISTOGRAM_EDGES, LOOPS } from './stat-loops';
import { wasmReductions, type HeapSpan } from './stats-wasm';

const GENERATED_HEADER = `// Generated from stats.wat by stats-wasm.test.ts (\`npx vitest run src-main/engine/telemetry --update\`): do not edit.\n`;

async function compileStatsWat(): Promise<Uint8Array> {
  const wabt = await wabtFactory();
  const source = readFileSync(fileURLToPath(new URL('./stats.wat', import.meta.url)), 'utf8');
  const module = wabt.parseWat('stats.wat', source, { simd: true, mutable_globals: true });
  try {
    module.validate();
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

/** A fresh memory with `values` at byte 64 (not at 0, and 16-byte aligned like tfjs's heap). */
function place(values: ArrayLike<number>) {
  const memory = new WebAssembly.Memory({ initial: 1 + Math.ceil((values.length * 4 + 64) / 65536) });
  const array = new Float32Array(memory.buffer, 64, values.length);
  array.set(values);
  const span: HeapSpan = { offset: 64, length: values.length, view: () => array };
  return { memory, span, array };
}

function reductionsFor(values: ArrayLike<number>) {
  const { memory, span, array } = place(values);
  const simd = wasmReductions(memory);
  if (!simd) throw new Error('WebAssembly SIMD is not available in this Node');
  return { simd, span, array };
}

/**
 * Reference: the contract's bin (|g| in [10^(MIN+i), 10^(MIN+i+1)), clamped)
 * by comparing with the decimal powers in float64, which no float32 lies
 * strictly between a power and; NaN in the first bin.
 */
function referenceHistogram(values: Float32Array): number[] {
  const powers = Array.from({ length: HISTOGRAM_BINS - 1 }, (_, k) =>
    Number(`1e${HISTOGRAM_LOG10_MIN + k + 1}`),
  );
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const v of values) counts[powers.filter((p) => Math.abs(v) >= p).length]++;
  return counts;
}

function randomValues(n: number, seed: number, scale: (u: number) => number): Float32Array {
  let state = seed;
  const next = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  return Float32Array.from({ length: n }, () => (next() - 0.5) * scale(next()));
}

const CASES: [string, Float32Array][] = [
  ['a few decades, n mod 4 = 3', randomValues(4099, 1, (u) => 10 ** (-8 * u))],
  ['tiny gradients whose squares underflow float32', randomValues(1001, 2, (u) => 1e-30 * (1 + u))],
  ['zeros and subnormals', Float32Array.from({ length: 37 }, (_, i) => (i % 3 === 0 ? 0 : i * 1e-44))],
  ['one value', Float32Array.of(-3e-7)],
  ['infinities', Float32Array.of(1, -Infinity, 0.5, Infinity, 2e-13)],
  ['a mean far from zero', randomValues(514, 3, () => 1e-3).map((v) => v + 1000)],
  [
    'one float32 step either side of every edge',
    Float32Array.from(
      [...HISTOGRAM_EDGES.slice(1)].flatMap((edge) => [edge, nextDown(edge), nextUp(edge), -edge]),
    ),
  ],
];

function nextUp(x: number): number {
  const bits = new Int32Array(Float32Array.of(x).buffer);
  bits[0]++;
  return new Float32Array(bits.buffer)[0];
}
function nextDown(x: number): number {
  const bits = new Int32Array(Float32Array.of(x).buffer);
  bits[0]--;
  return new Float32Array(bits.buffer)[0];
}

describe('stats.wat', () => {
  it('is compiled in stats-wasm.generated.ts', async () => {
    const bytes = await compileStatsWat();
    const text = `${GENERATED_HEADER}export const STATS_WASM_BASE64 =\n  '${Buffer.from(bytes).toString('base64')}';\n`;
    await expect(text).toMatchFileSnapshot('./stats-wasm.generated.ts');
  });

  describe.each(CASES)('%s', (_, values) => {
    it('gives the gradient summary of the JavaScript loops and of float64 arithmetic', () => {
      const { simd, span, array } = reductionsFor(values);
      const fromSimd = new Float32Array(HISTOGRAM_BINS);
      const fromLoops = new Float32Array(HISTOGRAM_BINS);
      const simdSummary = simd.gradient(span, fromSimd);
      const loopSummary = LOOPS.gradient(array, fromLoops);
      expect([...fromSimd]).toEqual(referenceHistogram(array));
      expect([...fromLoops]).toEqual(referenceHistogram(array));
      const norm = Math.sqrt(array.reduce((s, v) => s + v * v, 0));
      const meanAbs = array.reduce((s, v) => s + Math.abs(v), 0) / array.length;
      const maxAbs = array.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (const summary of [simdSummary, loopSummary]) {
        expect(summary.norm).toBeCloseTo(norm, 10);
        if (Number.isFinite(norm)) expect(summary.norm / norm).toBeCloseTo(1, 12);
        expect(summary.maxAbs).toBe(maxAbs);
        if (Number.isFinite(meanAbs)) expect(summary.meanAbs / meanAbs).toBeCloseTo(1, 12);
        else expect(summary.meanAbs).toBe(meanAbs);
      }
      expect(simd.norm(span)).toBe(simdSummary.norm);
      expect(LOOPS.norm(array)).toBe(loopSummary.norm);
    });

    it('gives the moments and saturated fraction of float64 arithmetic', () => {
      if (values.some((v) => !Number.isFinite(v))) return;
      const { simd, span, array } = reductionsFor(values);
      const n = array.length;
      const mean = array.reduce((s, v) => s + v, 0) / n;
      const std = Math.sqrt(array.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      const saturation = { center: mean, halfWidth: std / 2 };
      const saturated = array.filter((v) => Math.abs(v - mean) > std / 2).length / n;
      for (const moments of [simd.moments(span, saturation), LOOPS.moments(array, saturation)]) {
        expect(moments.mean / (mean || 1)).toBeCloseTo(mean / (mean || 1), 10);
        expect(moments.std).toBeCloseTo(std, 6 - Math.round(Math.log10(std || 1)));
        expect(moments.saturated).toBeCloseTo(saturated, 2);
      }
      expect(simd.moments(span).saturated).toBeNaN();
    });
  });

  it('counts NaN gradients in the first bin and reports a NaN maximum', () => {
    const values = Float32Array.of(1e-3, NaN, 2e-3, 5, NaN, 0);
    const { simd, span, array } = reductionsFor(values);
    for (const [summary, histogram] of [
      [simd.gradient(span, new Float32Array(HISTOGRAM_BINS)), null],
      [LOOPS.gradient(array, new Float32Array(HISTOGRAM_BINS)), null],
    ] as const) {
      expect(summary.maxAbs).toBeNaN();
      expect(histogram).toBeNull();
    }
    const fromSimd = new Float32Array(HISTOGRAM_BINS);
    const fromLoops = new Float32Array(HISTOGRAM_BINS);
    simd.gradient(span, fromSimd);
    LOOPS.gradient(array, fromLoops);
    expect([...fromSimd]).toEqual(referenceHistogram(array));
    expect([...fromLoops]).toEqual(referenceHistogram(array));
  });
});
