/**
 * gemm.wat's products split over helper threads (gemm-threads.ts) on a shared
 * memory, as on the threaded build's heap: the result must be the unsplit
 * product's, bit for bit, whether split by rows or by columns and over one
 * helper or several; and a helper that never answers must cost a wait, not a
 * wrong or missing band.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { importingSharedMemory } from '../backend/heap-module';
import { STATS_WASM_BASE64 } from '../telemetry/stats-wasm.generated';
import { GEMM_WASM_BASE64 } from './gemm-wasm.generated';
import { randomValues } from '../wat-test-support';
import { GemmThreads } from './gemm-threads';
import type { GemmArgs, GemmExport } from './gemm-wasm';

const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
const sharedModule = (base64: string) =>
  new WebAssembly.Module(importingSharedMemory(Buffer.from(base64, 'base64')));
const module = sharedModule(GEMM_WASM_BASE64);
const gemm = new WebAssembly.Instance(module, { tfjs: { memory } }).exports.gemm as GemmExport;

let next = 64;
/** `values` (or `length` values of garbage) placed in the shared memory; a gap after each. */
function place(values: ArrayLike<number> | number) {
  const length = typeof values === 'number' ? values : values.length;
  const at = next;
  next += Math.ceil((length * 4) / 16) * 16 + 16;
  const view = new Float32Array(memory.buffer, at, length);
  if (typeof values === 'number') view.fill(12345);
  else view.set(values);
  return { at, bits: () => Array.from(new Uint32Array(memory.buffer, at, length)) };
}

/** The product m×k×n (with a bias and a ReLU) unsplit and through `threads`: both results' bits. */
function bothWays(threads: GemmThreads, [m, k, n]: number[]) {
  next = 64;
  const a = place(randomValues(m * k, 1)).at;
  const b = place(randomValues(k * n, 2)).at;
  const bias = place(randomValues(n, 3)).at;
  const [whole, split] = [place(m * n), place(m * n)];
  const args = (out: number): GemmArgs => [a, b, bias, out, m, k, n, k * 4, 4, n * 4, n * 4, 1];
  gemm(...args(whole.at));
  threads.run(gemm, args(split.at));
  return { whole: whole.bits(), split: split.bits() };
}

const open: GemmThreads[] = [];
afterEach(() => open.splice(0).forEach((t) => t.close()));

describe('products split over helper threads', () => {
  it.each([
    ['rows, one helper', 1, [64, 64, 64]],
    ['rows, three helpers, uneven bands', 3, [37, 20, 24]],
    ['columns (few rows), one helper', 1, [9, 300, 16]],
    ['columns, two helpers', 2, [2, 64, 64]],
    ['one band (too small to split)', 1, [3, 5, 7]],
  ])('equal the unsplit product bit for bit: %s', (_, helpers, shape) => {
    const threads = new GemmThreads(module, memory, helpers as number);
    open.push(threads);
    for (let round = 0; round < 3; round++) {
      const { whole, split } = bothWays(threads, shape as number[]);
      expect(split).toEqual(whole);
    }
    expect(threads.usable).toBe(true);
  });

  it('does a silent helper’s band itself, then stops using helpers', () => {
    // A module without `gemm`: the helper fails on its first job and never answers.
    // 300 ms base patience, plus 64·16·32 / 10⁵ ms for the product's size.
    const threads = new GemmThreads(sharedModule(STATS_WASM_BASE64), memory, 1, 300);
    open.push(threads);
    const { whole, split } = bothWays(threads, [64, 16, 32]);
    expect(split).toEqual(whole);
    expect(threads.usable).toBe(false);
  });

  it('sees the heap grow: a product placed beyond the memory the helper started with', () => {
    const threads = new GemmThreads(module, memory, 1);
    open.push(threads);
    expect(bothWays(threads, [16, 16, 16]).split).toEqual(bothWays(threads, [16, 16, 16]).whole);
    const pagesBefore = memory.grow(32);
    // Everything of this product lies past the old end (tfjs's heap grows the same way mid-run).
    next = pagesBefore * 65536 + 64;
    const [m, k, n] = [64, 48, 40];
    const a = place(randomValues(m * k, 7)).at;
    const b = place(randomValues(k * n, 8)).at;
    const [whole, split] = [place(m * n), place(m * n)];
    const args = (out: number): GemmArgs => [a, b, 0, out, m, k, n, k * 4, 4, n * 4, n * 4, 0];
    gemm(...args(whole.at));
    threads.run(gemm, args(split.at));
    expect(split.bits()).toEqual(whole.bits());
    expect(threads.usable).toBe(true);
  });
});
