/**
 * Matrix products on WASM's heap by gemm.wat, which neither packs its right
 * operand (XNNPACK packs every fresh one, and in training every one is fresh)
 * nor needs a Transpose op for a transposed left operand: a dense layer's
 * forward product and both products of its backward pass.
 *
 * XNNPACK stays the choice for large products while its pool of threads is in
 * use (a design with convolutions, thread-choice.ts), when gemm.wat runs on one
 * thread; a network of products splits them over gemm.wat's own helpers
 * instead (gemm-threads.ts). Measured here, fresh right operand, µs,
 * tfjs's product / gemm.wat's on one thread, then with XNNPACK on two:
 * 64³ 85 / 17 (2 threads: 149 / 16), 128³ 212 / 124 (182 / 121),
 * 64×784×256 1593 / 780 (1401 / 802), 256×784×256 4054 / 3465 (2583 / 3517),
 * 512³ 10685 / 9117 (7953 / 9417).
 */
import { heapMemory, type WasmHeapBackend } from '../backend/heap-module';
import { tf, type Tensor } from '../backend/tf';
import { threadPool } from '../backend/wasm-threads';
import { GemmThreads } from './gemm-threads';
import { gemmModule, gemmOn, type Gemm } from './gemm-wasm';
import { heapOffset, onHeap, type TensorInfo } from './heap-kernel';

const MAT_MUL = 'BackflowMatMul';

/** Multiply-adds from which XNNPACK on a pool of threads beats gemm.wat on one (see above). */
const THREADED_PRODUCT_SIZE = 1 << 24;
/**
 * Multiply-adds from which a product is split over gemm.wat's helper threads:
 * handing a band over costs microseconds (measured, one helper: 64³ 17 µs whole,
 * 24–40 split; 128³ 124–147 whole, 73–116 split; 256³ 960–1100, 495–545).
 */
const SPLIT_PRODUCT_SIZE = 1 << 20;

export interface ProductOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** The result's values below 0 set to 0 (a fused ReLU). */
  relu?: boolean;
}

function gemmOf(wasm: WasmHeapBackend): Gemm | undefined {
  const memory = heapMemory(wasm);
  return memory && gemmOn(memory);
}

/** [m, k, n] of a product of 2-D operands. */
function productShape(a: number[], b: number[], { transposeA, transposeB }: ProductOptions) {
  const [m, k] = transposeA ? [a[1], a[0]] : a;
  const n = transposeB ? b[0] : b[1];
  const kb = transposeB ? b[1] : b[0];
  if (a.length !== 2 || b.length !== 2 || k !== kb)
    throw new Error(`product of [${a}] and [${b}]: not two matrices with a shared dimension`);
  return [m, k, n];
}

const splitters = new WeakMap<WebAssembly.Memory, GemmThreads | null>();
let splitting = false;

/**
 * Whether products are split over gemm.wat's helper threads: thread-choice.ts
 * decides per design (a network without convolutions, on all threads, with
 * XNNPACK's pool off: its threads spin after each operation and would take
 * the helpers' cores).
 */
export function splitProducts(on: boolean): void {
  splitting = on;
}

/** Whether products are split over gemm.wat's helper threads now. */
export function productsSplit(): boolean {
  return splitting;
}

/**
 * gemm.wat's helper threads while products are split: as many as XNNPACK's pool
 * has besides the caller, on the threaded build's shared heap; undefined otherwise.
 */
function splitterOf(wasm: WasmHeapBackend): GemmThreads | undefined {
  const pool = threadPool();
  const memory = heapMemory(wasm);
  if (!splitting || !pool || pool.size < 2 || !memory || !(memory.buffer instanceof SharedArrayBuffer))
    return undefined;
  let splitter = splitters.get(memory);
  if (splitter === undefined) {
    const module = gemmModule(memory);
    splitter = module ? new GemmThreads(module, memory, pool.size - 1) : null;
    splitters.set(memory, splitter);
  }
  return splitter?.usable ? splitter : undefined;
}

/** Helper threads gemm.wat's products have started (0 until a product is split, or where none can be). */
export function productHelperThreads(): number {
  const memory =
    tf.getBackend() === 'wasm' ? heapMemory(tf.backend() as unknown as WasmHeapBackend) : undefined;
  return (memory && splitters.get(memory)?.started) || 0;
}

/**
 * True when gemm.wat is the faster way to an m×k×n product on the active
 * backend now: on wasm (where it compiles), unless the product is large and
 * XNNPACK's pool has several threads to split it on.
 */
export function heapProductPays(m: number, k: number, n: number): boolean {
  if (tf.getBackend() !== 'wasm' || !gemmOf(tf.backend() as unknown as WasmHeapBackend)) return false;
  return (threadPool()?.threads() ?? 1) === 1 || m * k * n < THREADED_PRODUCT_SIZE;
}

/**
 * a·b (+ bias) of 2-D float32 tensors on the heap, inside a kernel (tensor
 * infos in, one out). A transposed right operand is transposed into a
 * scratch tensor first: gemm.wat reads B row by row.
 */
export function productOnHeap(
  wasm: WasmHeapBackend,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  options: ProductOptions,
): TensorInfo {
  const gemm = gemmOf(wasm);
  if (!gemm) throw new Error('heap products: this runtime cannot compile gemm.wat');
  const [m, k, n] = productShape(a.shape, b.shape, options);
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== n))
    throw new Error(`product bias of shape [${bias.shape}] for ${n} columns`);
  // Allocate first: allocating may grow the heap (offsets stay valid).
  const out = wasm.makeOutput([m, n], 'float32');
  const rightRows = options.transposeB ? wasm.makeOutput([k, n], 'float32') : b;
  if (options.transposeB) gemm.transpose(heapOffset(wasm, b), heapOffset(wasm, rightRows), n, k);
  const splitter = m * k * n >= SPLIT_PRODUCT_SIZE ? splitterOf(wasm) : undefined;
  gemm.product(
    {
      a: heapOffset(wasm, a),
      b: heapOffset(wasm, rightRows),
      bias: bias ? heapOffset(wasm, bias) : 0,
      out: heapOffset(wasm, out),
      m,
      k,
      n,
      transposeA: options.transposeA ?? false,
      relu: options.relu ?? false,
    },
    splitter && ((run, args) => splitter.run(run, args)),
  );
  if (rightRows !== b) wasm.disposeData(rightRows.dataId);
  return out;
}

let registered = false;

/**
 * op(a)·op(b) for 2-D tensors (op a transpose where asked) on WASM's heap, one
 * dispatched op, or undefined where gemm.wat is not the faster way (see
 * {@link heapProductPays}).
 */
export function matMulOnHeap(a: Tensor, b: Tensor, options: ProductOptions): Tensor | undefined {
  if (a.rank !== 2 || b.rank !== 2) return undefined;
  const [m, k, n] = productShape(a.shape, b.shape, options);
  if (!heapProductPays(m, k, n)) return undefined;
  if (!registered) {
    onHeap(MAT_MUL, ({ a, b }, wasm, attrs) => productOnHeap(wasm, a, b, undefined, attrs as ProductOptions));
    registered = true;
  }
  const attrs = { transposeA: options.transposeA ?? false, transposeB: options.transposeB ?? false };
  return tf.engine().runKernel(MAT_MUL, { a, b } as never, attrs as never) as Tensor;
}
