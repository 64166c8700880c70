/**
 * The kernels of pool.wat over a WebAssembly memory (tfjs-wasm's heap, or a
 * test's), taking byte offsets: max pooling, its gradient, and per-channel sums.
 */
import { instantiateOnHeap } from '../backend/heap-module';
import { POOL_WASM_BASE64 } from './pool-wasm.generated';

/** A pooling window's geometry over an NHWC tensor, by TensorFlow's rules (see windows.ts axisGeometry). */
export interface PoolGeometry {
  batch: number;
  height: number;
  width: number;
  channels: number;
  poolH: number;
  poolW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

export interface PoolKernels {
  /** out = the window maxima of x. */
  maxPool(x: number, out: number, g: PoolGeometry): void;
  /** dx = dy routed to each window's first maximal pixel of x. */
  maxPoolGrad(dy: number, x: number, dx: number, g: PoolGeometry): void;
  /** out[c] = Σ_r values[r, c]. */
  channelSums(values: number, out: number, rows: number, channels: number): void;
}

type Geometry = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

const instances = new WeakMap<WebAssembly.Memory, PoolKernels | null>();

/** The kernels over `memory`, or undefined where this runtime cannot compile them. */
export function poolKernels(memory: WebAssembly.Memory): PoolKernels | undefined {
  let found = instances.get(memory);
  if (found === undefined) {
    found = instantiate(memory);
    instances.set(memory, found);
  }
  return found ?? undefined;
}

function instantiate(memory: WebAssembly.Memory): PoolKernels | null {
  const instance = instantiateOnHeap(POOL_WASM_BASE64, memory);
  if (!instance) return null;
  const exports = instance.exports as {
    maxPool(x: number, out: number, ...g: Geometry): void;
    maxPoolGrad(dy: number, x: number, dx: number, ...g: Geometry): void;
    channelSums(values: number, out: number, rows: number, channels: number): void;
  };
  const flat = (g: PoolGeometry): Geometry => [
    g.batch,
    g.height,
    g.width,
    g.channels,
    g.poolH,
    g.poolW,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padLeft,
    g.outH,
    g.outW,
  ];
  return {
    maxPool: (x, out, g) => exports.maxPool(x, out, ...flat(g)),
    maxPoolGrad: (dy, x, dx, g) => exports.maxPoolGrad(dy, x, dx, ...flat(g)),
    channelSums: (values, out, rows, channels) => exports.channelSums(values, out, rows, channels),
  };
}
