/**
 * How much memory a run may use on each compute backend, for the estimate in
 * src-shared/graph/memory-estimate.ts. A run that needs more is refused before
 * it starts: past these limits a backend does not fail politely (WebAssembly
 * aborts and leaves its heap unusable; a native backend takes the machine into
 * swap or is killed).
 */
import { totalmem } from 'node:os';
import type { MemoryBudget } from '../../src-shared/graph/memory-estimate';
import type { BackendName } from './backend/backend';

/**
 * The most a wasm32 heap can grow to: tfjs-backend-wasm 4.22 is built with a
 * 4 GiB maximum (its `getHeapMax()` returns 4 GiB − 64 KiB).
 */
export const WASM_HEAP_MAX = 4 * 1024 ** 3 - 64 * 1024;

/**
 * The share of the wasm heap a run may plan for: tfjs's count of tensor bytes
 * (what the estimate models) is not all the heap holds — the allocator
 * fragments it as tensors of many sizes come and go, and XNNPACK keeps packed
 * copies of weights — so a quarter is left as headroom.
 */
const WASM_USABLE = 0.75;

/** The share of the machine's memory a run in this process may plan for; the rest is the system's and other programs'. */
const MACHINE_USABLE = 0.5;

const HOLDER: Record<Exclude<BackendName, 'wasm'>, string> = {
  cpu: 'JavaScript',
  tensorflow: 'TensorFlow',
  // A GPU's own memory is not known before allocating; the machine's is the bound for a
  // software or integrated adapter, and a discrete GPU's out-of-memory error is reported as such.
  webgpu: 'WebGPU',
};

/** The budget for a run on `backend`, on this machine. */
export function memoryBudget(backend: BackendName, machineBytes = machineMemory()): MemoryBudget {
  const machine = MACHINE_USABLE * machineBytes;
  if (backend === 'wasm') {
    return {
      bytes: Math.min(WASM_USABLE * WASM_HEAP_MAX, machine),
      holder: 'the WebAssembly backend (its heap stops at 4 GB)',
      includesData: false,
    };
  }
  return {
    bytes: machine,
    holder: `the ${HOLDER[backend]} backend (half of this machine's memory)`,
    includesData: true,
  };
}

let toldMachineBytes: number | undefined;

/**
 * Tells the engine the machine's memory where it cannot ask the system: in the
 * GPU engine's browser page, whose host (main) reads it with `os.totalmem()`.
 */
export function setMachineMemory(bytes: number): void {
  if (Number.isFinite(bytes) && bytes > 0) toldMachineBytes = bytes;
}

function machineMemory(): number {
  return toldMachineBytes ?? totalmem();
}
