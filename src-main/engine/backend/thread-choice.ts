/**
 * How many threads the WebAssembly backend trains a design on: all of them,
 * or one. All threads split each convolution (XNNPACK's pool) or each large
 * product (gemm.wat's helpers, for a network without convolutions; see
 * useThreads), which pays where operations are large (a CNN, a wide MLP on a
 * big batch) and loses where they are small: waking a thread costs more than a
 * 64×64 product. So, as `auto` does for a GPU, the design is timed both ways
 * at the start of its first run, and the decision is kept for its shape.
 * The numbers do not depend on it: each output tile or band is computed whole
 * by one thread with the same kernel (wasm-threads.test.ts compares whole runs).
 */
import type { Design } from '../../../src-shared/design/types';
import { ms } from './auto-choice';
import { threadedWasmFailure, threadsSetByHand, type AutoTrial, type BackendChoice } from './backend';
import { productsSplit, splitProducts } from '../model/heap-products';
import { threadPool, type ThreadPool } from './wasm-threads';

/** All threads must take at most this share of one thread's time per step to be used. */
export const THREADS_MARGIN = 0.9;

/** A first trial at least this slow per step decides for all threads without the other three. */
export const LONG_STEP_MS = 250;

interface ThreadDecision {
  all: boolean;
  why: string;
}

const decisions = new Map<string, ThreadDecision>();

/**
 * `choice` (on wasm) with the pool set for `trial`'s design and the threads it trains on.
 * `BACKFLOW_WASM_THREADS` (a count chosen by hand) is not second-guessed.
 */
export async function chooseWasmThreads(
  choice: BackendChoice,
  trial: AutoTrial,
  env: NodeJS.ProcessEnv = process.env,
  pool: ThreadPool | undefined = threadPool(),
  failure: string | undefined = threadedWasmFailure(),
): Promise<BackendChoice> {
  if (!pool || pool.size === 1) {
    // A machine with cores to spare whose threaded build would not start says why, in each run's report.
    const why = failure && (choice.why ? `${choice.why}; 1 thread: ${failure}` : `1 thread: ${failure}`);
    return { ...choice, threads: 1, ...(why ? { why } : {}) };
  }
  if (threadsSetByHand(env)) {
    useThreads(pool, true, trial);
    return { ...choice, threads: pool.size };
  }
  let decision = decisions.get(trial.signature);
  if (!decision) {
    // Timed A, B, B, A (A the pool as it is), each side's faster trial kept: the engine is
    // still warming up in its first trials (V8 and the wasm tiers), which would otherwise
    // handicap whichever went first.
    const before = pool.threads() > 1 || productsSplit();
    const order = [before, !before, !before, before];
    const ms = new Map<boolean, number>();
    try {
      for (const all of order) {
        useThreads(pool, all, trial);
        const time = await trial.time();
        ms.set(all, Math.min(time, ms.get(all) ?? Infinity));
        // Four trials of a long step would hold the run's start for many seconds, and steps
        // this long are made of operations large enough for threads to pay.
        if (ms.size === 1 && time >= LONG_STEP_MS) {
          decision = {
            all: true,
            why: `${pool.size} threads for this design: its steps take ${readable(time)}, long enough that threads pay (not timed further)`,
          };
          break;
        }
      }
    } catch {
      // A trial that fails (the heap outgrown, a trap) decides nothing: the run itself then
      // meets the failure on its first step and reports it the way a run does.
      useThreads(pool, before, trial);
      return { ...choice, threads: before ? pool.size : 1 };
    }
    decision ??= decideThreads(pool.size, ms.get(true)!, ms.get(false)!);
    decisions.set(trial.signature, decision);
  }
  useThreads(pool, decision.all, trial);
  const why = choice.why ? `${choice.why}; ${decision.why}` : decision.why;
  return { ...choice, threads: decision.all ? pool.size : 1, why };
}

/** Whether `design` has convolutions (see {@link useThreads}). */
export function convolutional(design: Pick<Design, 'graph'>): boolean {
  return design.graph.nodes.some((n) => n.type === 'conv2d');
}

/**
 * Every thread of `pool` (`all`) or one, for `trial`'s design: a network with
 * convolutions on XNNPACK's pool (which splits each convolution); a network of
 * products on gemm.wat's helper threads (heap-products.ts), with XNNPACK's pool
 * off. Not both at once: a pool thread spins after each operation it ran and
 * would take a helper's core.
 */
export function useThreads(pool: ThreadPool, all: boolean, trial: Pick<AutoTrial, 'convolutional'>): void {
  pool.useAll(all && trial.convolutional !== false);
  splitProducts(all && trial.convolutional === false);
}

/** All `size` threads when they take at most {@link THREADS_MARGIN} of one thread's time. */
export function decideThreads(size: number, msAll: number, msOne: number): ThreadDecision {
  const all = msAll <= THREADS_MARGIN * msOne;
  const [won, lost] = all ? [`${size} threads`, `1 thread's`] : ['1 thread', `${size} threads'`];
  const [wonMs, lostMs] = all ? [msAll, msOne] : [msOne, msAll];
  return { all, why: `${won} for this design: ${ms(wonMs)}/step against ${lost} ${ms(lostMs)}` };
}

/** A step's time as a person reads it: "0.4 s", "1.2 s". */
function readable(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}
