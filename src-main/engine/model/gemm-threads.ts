/**
 * gemm.wat's products split over helper threads on the threaded build's heap
 * (a SharedArrayBuffer): each helper is a worker thread with its own instance
 * of the module over the same memory, and computes a band of the result's rows
 * (or, for a result of few rows, of its columns) while the calling thread
 * computes the last band.
 *
 * Why not XNNPACK's pool: tfjs-wasm's product packs its fresh right operand on
 * one thread before the pool multiplies, and on a layer-sized product that
 * packing costs as much as the arithmetic (heap-products.ts has the figures).
 *
 * The numbers do not depend on the split: gemm.wat sums every value in the
 * same order whichever loop, band or thread computes it.
 *
 * Hand-off: a job is twelve integers in a small SharedArrayBuffer per helper and a
 * sequence number; the helper spins on the sequence for a while after each job
 * (a training step asks for the next product within tens of microseconds,
 * where waking a sleeping thread costs about as much), then sleeps in
 * Atomics.wait. The calling thread waits for the helpers the same way.
 */
import { Worker } from 'node:worker_threads';
import type { GemmArgs, GemmExport } from './gemm-wasm';

// Control words of each helper, as Int32Array indices.
const JOB = 0; // sequence number of the latest job (the caller writes it)
const DONE = 1; // sequence number of the latest job finished (the helper writes it)
const STOP = 2; // 1: the helper exits at its next job
const ARGS = 3; // the job's twelve arguments
const CONTROL_WORDS = ARGS + 12;

/** How long a helper keeps spinning for the next job before it sleeps. */
const HELPER_SPIN_MS = 0.3;
/**
 * How long the caller waits for a helper before it gives up on helpers altogether: 10 s
 * (a layer's band takes milliseconds), plus a millisecond per 10⁵ multiply-adds of the
 * product, far slower than any machine, so that a huge product is never cut short.
 */
const HELPER_TIMEOUT_MS = 10_000;
const PATIENCE_MACS_PER_MS = 1e5;

// The helper's whole code (a worker evaluated from this text: there is no file
// to find in the built bundles).
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, spinMs } = workerData;
const gemm = new WebAssembly.Instance(module, { tfjs: { memory } }).exports.gemm;
const c = new Int32Array(control);
let seen = 0;
for (;;) {
  let job = Atomics.load(c, ${JOB});
  if (job === seen) {
    const until = performance.now() + spinMs;
    while ((job = Atomics.load(c, ${JOB})) === seen && performance.now() < until);
    if (job === seen) {
      Atomics.wait(c, ${JOB}, seen);
      continue;
    }
  }
  seen = job;
  if (Atomics.load(c, ${STOP})) break;
  gemm(${Array.from({ length: 12 }, (_, i) => `c[${ARGS + i}]`).join(', ')});
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

interface Helper {
  worker: Worker;
  control: Int32Array;
  sequence: number;
}

/** Bands of an m×n result: rows in multiples of four, or columns in multiples of eight when rows are few. */
function bands(m: number, n: number, parts: number): { rows: boolean; starts: number[] } {
  const byRows = m >= 8 * parts || m >= n;
  const [extent, unit] = byRows ? [m, 4] : [n, 8];
  const size = Math.max(unit, Math.ceil(extent / parts / unit) * unit);
  const starts: number[] = [];
  for (let at = 0; at < extent; at += size) starts.push(at);
  starts.push(extent);
  return { rows: byRows, starts };
}

/** The arguments of one band [from, to) of the product `args`. */
function band(args: GemmArgs, rows: boolean, from: number, to: number): GemmArgs {
  const [a, b, bias, out, m, k, n, aRow, aCol, bRow, outRow, relu] = args;
  return rows
    ? [a + from * aRow, b, bias, out + from * outRow, to - from, k, n, aRow, aCol, bRow, outRow, relu]
    : [
        a,
        b + from * 4,
        bias && bias + from * 4,
        out + from * 4,
        m,
        k,
        to - from,
        aRow,
        aCol,
        bRow,
        outRow,
        relu,
      ];
}

export class GemmThreads {
  private helpers: Helper[] | undefined;
  private broken = false;

  /** `helpers` threads besides the caller's, over `memory` (shared), with `module` (gemm.wat compiled for it). */
  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly helperCount: number,
    private readonly timeoutMs = HELPER_TIMEOUT_MS,
  ) {}

  /** Whether products can be split here (helpers start with the first split). */
  get usable(): boolean {
    return !this.broken && this.helperCount > 0;
  }

  /** Helper threads running (0 before the first split and after a failure). */
  get started(): number {
    return this.helpers?.length ?? 0;
  }

  /** Runs `gemm(...args)`, split over the helpers and the calling thread. */
  run(gemm: GemmExport, args: GemmArgs): void {
    const helpers = this.usable ? (this.helpers ??= this.start()) : [];
    const { rows, starts } = bands(args[4], args[6], helpers.length + 1);
    const handed: Helper[] = [];
    for (let i = 0; i < starts.length - 2 && i < helpers.length; i++) {
      const helper = helpers[i];
      helper.control.set(band(args, rows, starts[i], starts[i + 1]), ARGS);
      Atomics.store(helper.control, JOB, ++helper.sequence);
      Atomics.notify(helper.control, JOB);
      handed.push(helper);
    }
    // The caller takes every band no helper took (the last one, or all without helpers).
    gemm(...band(args, rows, starts[handed.length], starts[starts.length - 1]));
    const patience = this.timeoutMs + (args[4] * args[5] * args[6]) / PATIENCE_MACS_PER_MS;
    for (const [i, helper] of handed.entries()) {
      if (this.waitFor(helper, patience)) continue;
      // A helper that does not answer: its band is done here and helpers are not used again.
      this.broken = true;
      gemm(...band(args, rows, starts[i], starts[i + 1]));
    }
    if (this.broken) this.close();
  }

  /** Stops the helpers (they also end with the process or the engine's worker). */
  close(): void {
    for (const { worker, control } of this.helpers ?? []) {
      Atomics.store(control, STOP, 1);
      Atomics.add(control, JOB, 1);
      Atomics.notify(control, JOB);
      void worker.terminate();
    }
    this.helpers = undefined;
  }

  private start(): Helper[] {
    return Array.from({ length: this.helperCount }, () => {
      const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
      const worker = new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, control, spinMs: HELPER_SPIN_MS },
      });
      worker.unref();
      // An error ends the worker; the caller notices when it stops answering.
      worker.on('error', () => (this.broken = true));
      return { worker, control: new Int32Array(control), sequence: 0 };
    });
  }

  /** Spins, then sleeps, until `helper` has finished its job: false if it has not within `patienceMs`. */
  private waitFor(helper: Helper, patienceMs: number): boolean {
    const { control, sequence } = helper;
    const spinUntil = performance.now() + 1;
    while (Atomics.load(control, DONE) !== sequence) {
      if (performance.now() < spinUntil) continue;
      if (Atomics.wait(control, DONE, sequence - 1, patienceMs) === 'timed-out') return false;
    }
    return true;
  }
}
