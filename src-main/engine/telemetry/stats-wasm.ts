/**
 * The telemetry reductions in SIMD WebAssembly (stats.wat), instantiated on
 * the memory of tfjs's own WASM backend so that they read tensors where
 * they are. Four float32 lanes per instruction, against one value per
 * iteration for the JavaScript loops: on W3 (50 layers) the statistics
 * went from ~2 ms to a fraction of a millisecond per step.
 */
import { HISTOGRAM_BINS } from '../../../src-shared/telemetry';
import { deadFraction, HISTOGRAM_EDGES, type Reductions } from './stat-loops';
import { STATS_WASM_BASE64 } from './stats-wasm.generated';

/** `length` float32 values at byte `offset` of the backend's heap. */
export interface HeapSpan {
  offset: number;
  length: number;
  /** The values as a typed array (for the loops that stay in JavaScript). */
  view(): Float32Array;
}

interface StatsExports {
  sumSquares(p: number, n: number): number;
  gradientSums(p: number, n: number): number;
  countAtLeast(p: number, n: number, e0: number, e1: number, e2: number, e3: number): void;
  moments(p: number, n: number, shift: number, center: number, halfWidth: number): number;
  sumAbs: WebAssembly.Global;
  maxAbs: WebAssembly.Global;
  minNonzero: WebAssembly.Global;
  zeros: WebAssembly.Global;
  squares: WebAssembly.Global;
  saturated: WebAssembly.Global;
  atLeast0: WebAssembly.Global;
  atLeast1: WebAssembly.Global;
  atLeast2: WebAssembly.Global;
  atLeast3: WebAssembly.Global;
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, Reductions<HeapSpan> | null>();

/**
 * The reductions over `memory`, or undefined where this runtime cannot run
 * them (no WebAssembly SIMD, or a shared memory from tfjs's threaded
 * build): the caller then uses the JavaScript loops.
 */
export function wasmReductions(memory: WebAssembly.Memory): Reductions<HeapSpan> | undefined {
  let found = instances.get(memory);
  if (found === undefined) {
    found = instantiate(memory);
    instances.set(memory, found);
  }
  return found ?? undefined;
}

function instantiate(memory: WebAssembly.Memory): Reductions<HeapSpan> | null {
  try {
    compiled ??= new WebAssembly.Module(Buffer.from(STATS_WASM_BASE64, 'base64'));
    const instance = new WebAssembly.Instance(compiled, { tfjs: { memory } });
    return reductionsOf(instance.exports as unknown as StatsExports);
  } catch {
    compiled = null;
    return null;
  }
}

function reductionsOf(x: StatsExports): Reductions<HeapSpan> {
  const atLeast = [x.atLeast0, x.atLeast1, x.atLeast2, x.atLeast3];
  return {
    norm: (span) => Math.sqrt(x.sumSquares(span.offset, span.length)),
    gradient: (g, histogram) => {
      const n = g.length;
      const squares = x.gradientSums(g.offset, n);
      const max = x.maxAbs.value as number;
      const minNonzero = x.minNonzero.value as number;
      const nonzero = n - (x.zeros.value as number);
      // countAbove[k]: entries with |g| ≥ HISTOGRAM_EDGES[k]. Edges at or below
      // the smallest nonzero |g| count every nonzero entry, edges above the
      // largest none: only the edges in between need a pass. With a NaN (which
      // is below every edge but not zero) every edge is counted.
      const countAbove = new Array<number>(HISTOGRAM_BINS + 1).fill(0);
      countAbove[0] = n;
      const toCount: number[] = [];
      for (let k = 1; k < HISTOGRAM_BINS; k++) {
        const edge = HISTOGRAM_EDGES[k];
        if (Number.isNaN(max)) toCount.push(k);
        else if (edge > max) countAbove[k] = 0;
        else if (edge <= minNonzero) countAbove[k] = nonzero;
        else toCount.push(k);
      }
      for (let i = 0; i < toCount.length; i += 4) {
        const edges = [0, 1, 2, 3].map((j) =>
          i + j < toCount.length ? HISTOGRAM_EDGES[toCount[i + j]] : Infinity,
        );
        x.countAtLeast(g.offset, n, edges[0], edges[1], edges[2], edges[3]);
        for (let j = 0; j < 4 && i + j < toCount.length; j++)
          countAbove[toCount[i + j]] = atLeast[j].value as number;
      }
      for (let k = 0; k < HISTOGRAM_BINS; k++) histogram[k] = countAbove[k] - countAbove[k + 1];
      return {
        norm: Math.sqrt(squares),
        meanAbs: n ? (x.sumAbs.value as number) / n : NaN,
        maxAbs: n ? max : NaN,
      };
    },
    moments: (y, saturation) => {
      const n = y.length;
      if (n === 0) return { mean: NaN, std: NaN, saturated: NaN };
      // Shifted by the first value so a large mean does not cancel the variance.
      const shift = y.view()[0];
      const sum = x.moments(y.offset, n, shift, saturation?.center ?? 0, saturation?.halfWidth ?? Infinity);
      const mean = sum / n;
      return {
        mean: shift + mean,
        std: Math.sqrt(Math.max((x.squares.value as number) / n - mean * mean, 0)),
        saturated: saturation ? (x.saturated.value as number) / n : NaN,
      };
    },
    deadFraction: (y, batch) => deadFraction(y.view(), batch),
  };
}
