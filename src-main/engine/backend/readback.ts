/**
 * Reading a float32 tensor back from the WASM backend without a fresh
 * ArrayBuffer per read. tfjs's dataSync slices the heap, which allocates a
 * new backing store each time; once a training run has produced its share
 * of garbage, V8 takes ~40 µs per such allocation (measured: more than all
 * the statistics of a 10-layer network). Here the values are copied into
 * views carved from 1 MB slabs: a slab is freed when no view of it is
 * referenced any more, so a caller may keep what it reads for as long as
 * it likes.
 */
import { tf, type Tensor } from './tf';

const SLAB_BYTES = 1 << 20;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

interface WasmBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

/** The values of a float32 tensor, as a Float32Array the caller owns. */
export function readFloats(t: Tensor): Float32Array {
  if (tf.getBackend() !== 'wasm' || t.dtype !== 'float32') return t.dataSync() as Float32Array;
  const bytes = t.size * Float32Array.BYTES_PER_ELEMENT;
  if (bytes > SLAB_BYTES / 4) return t.dataSync() as Float32Array;
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const backend = tf.backend() as unknown as WasmBackend;
  const { memoryOffset } = backend.dataIdMap.get(t.dataId);
  const out = new Float32Array(slab, slabUsed, t.size);
  out.set(new Float32Array(backend.wasm.HEAPU8.buffer, memoryOffset, t.size));
  // Keep views 8-byte aligned (harmless for float32, and cheap).
  slabUsed += Math.ceil(bytes / 8) * 8;
  return out;
}

/**
 * True when the active backend cannot read tensors synchronously: tfjs-webgpu's
 * dataSync needs OffscreenCanvas, which Node lacks, so on WebGPU every read awaits.
 */
export function readsAsync(): boolean {
  return tf.getBackend() === 'webgpu';
}

/** The values of a float32 tensor, read without blocking (what WebGPU needs). */
export async function readFloatsAsync(t: Tensor): Promise<Float32Array> {
  if (!readsAsync()) return readFloats(t);
  return (await t.data()) as Float32Array;
}
