/**
 * The SIMD WebAssembly reductions (stats.wat) against the JavaScript loops
 * and against float64 arithmetic, on data chosen to break them: lengths
 * that are not multiples of four, zeros, subnormals, 1e-30 gradients whose
 * squares underflow float32, ±∞, NaN, a mean far from zero, and values one
 * float32 step either side of every histogram edge.
 */
import { describe, expect, it } from 'vitest';
import { compileWat, generatedModule, testHeap } from '../wat-test-support';
import {
  HISTOGRAM_BINS,
  HISTOGRAM_LOG10_MIN,
  LAYER_STAT_FIELDS,
  LAYER_STAT_STRIDE,
} from '../../../src-shared/telemetry';
import { HISTOGRAM_EDGES, layerStatsInto } from './stat-loops';
import { wasmLayerStats } from './stats-wasm';

function heap(bytes: number) {
  const { memory, allocate, place } = testHeap(bytes);
  const stats = wasmLayerStats(memory, allocate);
  if (!stats) throw new Error('WebAssembly SIMD is not available in this Node');
  return { memory, allocate, place, stats };
}

interface TestLayer {
  grad?: ArrayLike<number>;
  weight?: ArrayLike<number>;
  step?: ArrayLike<number>;
  stepScale?: number;
  outGrad?: ArrayLike<number>;
  output: ArrayLike<number>;
  batch: number;
  saturation?: { center: number; halfWidth: number };
  countDead?: boolean;
}

/** The row from stats.wat and from the JavaScript loops, for the same layer. */
function bothRows(layer: TestLayer): { wasm: Float32Array; loops: Float32Array } {
  const sizes = [layer.grad, layer.weight, layer.step, layer.outGrad, layer.output].map(
    (a) => a?.length ?? 0,
  );
  const { memory, allocate, place, stats } = heap(sizes.reduce((a, b) => a + b, 0) * 4 + 16 * 80);
  const [grad, weight, step, outGrad, output] = [
    layer.grad,
    layer.weight,
    layer.step,
    layer.outGrad,
    layer.output,
  ].map((a) => (a ? place(a) : undefined));
  const row = allocate(LAYER_STAT_STRIDE * 4);
  stats.write({
    row,
    grad: grad?.at ?? 0,
    gradSize: layer.grad?.length ?? 0,
    weight: weight?.at ?? 0,
    step: step?.at ?? 0,
    stepScale: layer.stepScale ?? NaN,
    outGrad: outGrad?.at ?? 0,
    outGradSize: layer.outGrad?.length ?? 0,
    output: output!.at,
    outputSize: layer.output.length,
    batch: layer.batch,
    saturation: layer.saturation,
    countDead: layer.countDead ?? false,
  });
  const loops = new Float32Array(LAYER_STAT_STRIDE);
  layerStatsInto(
    loops,
    {
      weightGrad: grad?.view(),
      weight: weight?.view(),
      weightStep: step?.view(),
      outputGrad: outGrad?.view(),
      output: output!.view(),
      batch: layer.batch,
      saturation: layer.saturation,
      countDead: layer.countDead ?? false,
    },
    layer.stepScale,
  );
  return { wasm: new Float32Array(memory.buffer, row, LAYER_STAT_STRIDE).slice(), loops };
}

/** The smallest float32 step (subnormal): the row is float32, so below 1e-38 only this much is kept. */
const FLOAT32_TINY_STEP = 1.5e-45;

const at = (row: Float32Array, field: (typeof LAYER_STAT_FIELDS)[number]) =>
  row[LAYER_STAT_FIELDS.indexOf(field)];
const histogramOf = (row: Float32Array) => [...row.slice(LAYER_STAT_FIELDS.length)];

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
  [
    'blocks of zeros, of subnormals and of ordinary values, then a tail',
    Float32Array.from({ length: 64 * 5 + 9 }, (_, i) =>
      i < 64 ? 0 : i < 128 ? (i % 5) * 1e-44 : i < 192 ? -0 : Math.sin(i) * 1e-3,
    ),
  ],
  ['values whose squares overflow float32', randomValues(300, 4, (u) => 1e20 * (1 + u))],
  [
    'one block of 1e-25 among 1e-3',
    Float32Array.from({ length: 64 * 6 }, (_, i) => Math.cos(i) * (i >= 128 && i < 192 ? 1e-25 : 1e-3)),
  ],
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
    const bytes = await compileWat(new URL('./stats.wat', import.meta.url));
    const text = generatedModule(
      'stats.wat',
      'stats-wasm.test.ts',
      'npx vitest run src-main/engine/telemetry --update',
      'STATS_WASM_BASE64',
      bytes,
    );
    await expect(text).toMatchFileSnapshot('./stats-wasm.generated.ts');
  });

  describe.each(CASES)('%s', (_, values) => {
    const f64 = Array.from(values);
    const norm = Math.sqrt(f64.reduce((s, v) => s + v * v, 0));
    const weight = f64.map((v, i) => v * 3 + (i % 7) - 3);
    const weightNorm = Math.sqrt(weight.reduce((s, v) => s + v * v, 0));

    it('gives the gradient statistics of float64 arithmetic, as the JavaScript loops do', () => {
      const step = f64.map((v) => v * 0.5);
      const { wasm, loops } = bothRows({
        grad: values,
        weight,
        step,
        outGrad: values,
        output: [1, 2],
        batch: 2,
      });
      const meanAbs = f64.reduce((s, v) => s + Math.abs(v), 0) / f64.length;
      const maxAbs = f64.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (const row of [wasm, loops]) {
        // The loops sum in float64 and match it to the float32 the row holds. The SIMD code
        // sums blocks of 64 in float32 (16 values a lane): within 1e-6 of that, relative.
        const close = (actual: number, expected: number) =>
          row === loops
            ? expect(actual).toBe(Math.fround(expected))
            : expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * expected + FLOAT32_TINY_STEP);
        expect(histogramOf(row)).toEqual(referenceHistogram(values));
        expect(at(row, 'gradMaxAbs')).toBe(Math.fround(maxAbs));
        if (Number.isFinite(norm)) {
          close(at(row, 'gradNorm'), norm);
          close(at(row, 'outGradNorm'), norm);
          close(at(row, 'gradMeanAbs'), meanAbs);
          const ratio = (0.5 * norm) / weightNorm;
          expect(Math.abs(at(row, 'updateRatio') - ratio)).toBeLessThanOrEqual(
            1e-6 * ratio + FLOAT32_TINY_STEP,
          );
        } else {
          expect(at(row, 'gradNorm')).toBe(norm);
          expect(at(row, 'gradMeanAbs')).toBe(meanAbs);
        }
      }
    });

    it('derives the update ratio of plain SGD from gradNorm', () => {
      if (!Number.isFinite(norm)) return;
      const { wasm, loops } = bothRows({ grad: values, weight, stepScale: -0.25, output: [0], batch: 1 });
      for (const row of [wasm, loops]) {
        // Stored as float32: relative 1e-6, or one subnormal step below float32's normal range.
        const ratio = (0.25 * norm) / weightNorm;
        expect(Math.abs(at(row, 'updateRatio') - ratio)).toBeLessThanOrEqual(
          1e-6 * ratio + FLOAT32_TINY_STEP,
        );
        expect(at(row, 'outGradNorm')).toBe(0);
      }
    });

    it('gives the moments and saturated fraction of float64 arithmetic', () => {
      if (!Number.isFinite(norm)) return;
      const n = f64.length;
      const mean = f64.reduce((s, v) => s + v, 0) / n;
      const std = Math.sqrt(f64.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      const saturation = { center: mean, halfWidth: std / 2 };
      const saturated = f64.filter((v) => Math.abs(v - mean) > std / 2).length / n;
      const saturating = bothRows({ output: values, batch: 1, saturation });
      // Without saturation (ReLU, linear) the SIMD code runs another copy of its loop.
      const plain = bothRows({ output: values, batch: 1 });
      for (const row of [saturating.wasm, saturating.loops, plain.wasm, plain.loops]) {
        const mean32 = at(row, 'activationMean');
        expect(Math.abs(mean32 - mean)).toBeLessThanOrEqual(
          1e-6 * (Math.abs(mean) + std) + FLOAT32_TINY_STEP,
        );
        expect(Math.abs(at(row, 'activationStd') - std)).toBeLessThanOrEqual(1e-5 * std + FLOAT32_TINY_STEP);
        expect(at(row, 'gradNorm')).toBeNaN();
        expect(at(row, 'deadFraction')).toBeNaN();
      }
      for (const row of [saturating.wasm, saturating.loops])
        expect(Math.abs(at(row, 'saturatedFraction') - saturated)).toBeLessThanOrEqual(2 / n);
      for (const row of [plain.wasm, plain.loops]) expect(at(row, 'saturatedFraction')).toBeNaN();
    });
  });

  it('counts dead units: ≤ 0 for every example of the batch', () => {
    // 7 examples × 5 units: units 0 and 4 never positive; unit 3 only in the last example.
    const values = Array.from({ length: 35 }, (_, i) => {
      const [example, unit] = [Math.floor(i / 5), i % 5];
      if (unit === 0) return -example;
      if (unit === 3) return example === 6 ? 1e-30 : 0;
      return unit === 4 ? -1 : example - 3;
    });
    const { wasm, loops } = bothRows({ output: values, batch: 7, countDead: true });
    expect(at(wasm, 'deadFraction')).toBe(Math.fround(2 / 5));
    expect(at(loops, 'deadFraction')).toBe(Math.fround(2 / 5));
    expect(at(wasm, 'saturatedFraction')).toBeNaN();
  });

  it('counts dead units sixteen at a time, and the rest one by one', () => {
    // 9 examples × 53 units (three blocks of 16, then 5): every 7th unit is dead, and
    // unit 20 comes alive only in the last example (the block must not stop early).
    const batch = 9;
    const units = 53;
    const values = Array.from({ length: batch * units }, (_, i) => {
      const [example, unit] = [Math.floor(i / units), i % units];
      if (unit % 7 === 0) return example % 2 ? 0 : -1;
      if (unit === 20) return example === batch - 1 ? 2 : -3;
      return example % 3 === unit % 3 ? 0.5 : -0.5;
    });
    const dead = Array.from({ length: units }, (_, u) => u).filter((u) => u % 7 === 0).length / units;
    const { wasm, loops } = bothRows({ output: values, batch, countDead: true });
    expect(at(wasm, 'deadFraction')).toBe(Math.fround(dead));
    expect(at(loops, 'deadFraction')).toBe(Math.fround(dead));
  });

  it('counts NaN gradients in the first bin and reports a NaN maximum and norm', () => {
    const values = Float32Array.of(1e-3, NaN, 2e-3, 5, NaN, 0);
    const { wasm, loops } = bothRows({ grad: values, output: [1], batch: 1 });
    for (const row of [wasm, loops]) {
      expect(at(row, 'gradMaxAbs')).toBeNaN();
      expect(at(row, 'gradNorm')).toBeNaN();
      expect(histogramOf(row)).toEqual(referenceHistogram(values));
    }
  });
});
