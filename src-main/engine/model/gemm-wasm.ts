/**
 * gemm.wat's products over a WebAssembly memory (tfjs-wasm's heap, or a test's),
 * taking byte offsets.
 */
import { compiledForHeap, instantiateOnHeap } from '../backend/heap-module';
import { GEMM_WASM_BASE64 } from './gemm-wasm.generated';

/** gemm.wat's `gemm` arguments: offsets, sizes, then strides in bytes (see gemm.wat). */
export type GemmArgs = [
  a: number,
  b: number,
  bias: number,
  out: number,
  m: number,
  k: number,
  n: number,
  aRow: number,
  aCol: number,
  bRow: number,
  outRow: number,
  relu: number,
];
export type GemmExport = (...args: GemmArgs) => void;

/** Where a product's operands and result are, and their sizes. */
export interface Product {
  /** A, m×k: row-major, or k×m row-major read as its transpose when `transposeA`. */
  a: number;
  /** B, row-major k×n. */
  b: number;
  /** n values added to every row, or 0 for none. */
  bias: number;
  /** The m×n result, row-major. */
  out: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  relu: boolean;
}

export interface Gemm {
  /**
   * out = A·B (+ bias) (max 0 with `relu`), each value summed in float32 in the
   * order p = 0…k−1; by `split` (gemm-threads.ts) when given.
   */
  product(p: Product, split?: (gemm: GemmExport, args: GemmArgs) => void): void;
  /** dst (cols×rows) = srcᵀ for a row-major rows×cols src. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
}

type Exports = { gemm: GemmExport; transpose(src: number, dst: number, rows: number, cols: number): void };

const instances = new WeakMap<WebAssembly.Memory, Gemm | null>();

/** The products over `memory`, or undefined where this runtime cannot compile gemm.wat. */
export function gemmOn(memory: WebAssembly.Memory): Gemm | undefined {
  let found = instances.get(memory);
  if (found === undefined) {
    const instance = instantiateOnHeap(GEMM_WASM_BASE64, memory);
    found = instance ? wrap(instance.exports as Exports) : null;
    instances.set(memory, found);
  }
  return found ?? undefined;
}

/** gemm.wat compiled for `memory` (for helper threads to instantiate over a shared one). */
export function gemmModule(memory: WebAssembly.Memory): WebAssembly.Module | undefined {
  return compiledForHeap(GEMM_WASM_BASE64, memory);
}

function wrap(exports: Exports): Gemm {
  return {
    product: (p, split) => {
      const args = gemmArgs(p);
      if (split) split(exports.gemm, args);
      else exports.gemm(...args);
    },
    transpose: (src, dst, rows, cols) => exports.transpose(src, dst, rows, cols),
  };
}

/** gemm.wat's arguments for `p`: byte strides of A (row-major m×k, or k×m read transposed), B and out. */
function gemmArgs({ a, b, bias, out, m, k, n, transposeA, relu }: Product): GemmArgs {
  const [aRow, aCol] = transposeA ? [4, m * 4] : [k * 4, 4];
  return [a, b, bias, out, m, k, n, aRow, aCol, n * 4, n * 4, relu ? 1 : 0];
}
