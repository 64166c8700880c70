/**
 * gemm.wat's products over a WebAssembly memory (tfjs-wasm's heap, or a test's),
 * taking byte offsets.
 */
import { instantiateOnHeap } from '../backend/heap-module';
import { GEMM_WASM_BASE64 } from './gemm-wasm.generated';

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
  /** out = A·B (+ bias) (max 0 with `relu`), each value summed in float32 in the order p = 0…k−1. */
  product(p: Product): void;
  /** dst (cols×rows) = srcᵀ for a row-major rows×cols src. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
}

type Exports = {
  gemm(
    a: number,
    b: number,
    bias: number,
    out: number,
    m: number,
    k: number,
    n: number,
    aRow: number,
    aCol: number,
    relu: number,
  ): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
};

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

function wrap(exports: Exports): Gemm {
  return {
    product: ({ a, b, bias, out, m, k, n, transposeA, relu }) =>
      // Byte strides of A[i, p]: row-major m×k, or row-major k×m read transposed.
      transposeA
        ? exports.gemm(a, b, bias, out, m, k, n, 4, m * 4, relu ? 1 : 0)
        : exports.gemm(a, b, bias, out, m, k, n, k * 4, 4, relu ? 1 : 0),
    transpose: (src, dst, rows, cols) => exports.transpose(src, dst, rows, cols),
  };
}
