/**
 * How the WebAssembly backend's thread count is chosen per design: both
 * timed, the pool's current setting first, all threads only when clearly
 * faster, the decision kept per design shape, a hand-set count left alone.
 */
import { describe, expect, it } from 'vitest';
import type { BackendChoice } from './backend';
import { productsSplit, splitProducts } from '../model/heap-products';
import { chooseWasmThreads, decideThreads } from './thread-choice';
import type { ThreadPool } from './wasm-threads';

function fakePool(size: number) {
  let all = true;
  const pool: ThreadPool = { size, threads: () => (all ? size : 1), useAll: (a) => void (all = a) };
  return pool;
}

const wasm: BackendChoice = { name: 'wasm', variant: 'wasm', attempts: [{ candidate: 'wasm', ok: true }] };

/** A trial whose step takes `msAll` on the whole pool and `msOne` on one thread; records what it timed. */
function trial(signature: string, pool: ThreadPool, msAll: number, msOne: number) {
  const timed: number[] = [];
  return {
    timed,
    trial: {
      signature,
      time: async () => {
        timed.push(pool.threads());
        return pool.threads() > 1 ? msAll : msOne;
      },
    },
  };
}

describe('decideThreads', () => {
  it('takes all threads only at 90 % of one thread’s time or less', () => {
    expect(decideThreads(2, 60, 100)).toEqual({
      all: true,
      why: "2 threads for this design: 60 ms/step against 1 thread's 100 ms",
    });
    expect(decideThreads(2, 95, 100).all).toBe(false);
    expect(decideThreads(4, 3.2, 2.5)).toEqual({
      all: false,
      why: "1 thread for this design: 2.5 ms/step against 4 threads' 3.2 ms",
    });
  });
});

describe('chooseWasmThreads', () => {
  it('times the pool as it is, one thread twice, the pool again, and keeps the faster', async () => {
    const pool = fakePool(2);
    const cnn = trial('cnn', pool, 60, 100);
    const chosen = await chooseWasmThreads(
      { ...wasm, why: 'no GPU to time against wasm' },
      cnn.trial,
      {},
      pool,
    );
    expect(cnn.timed).toEqual([2, 1, 1, 2]);
    expect(pool.threads()).toBe(2);
    expect(chosen.threads).toBe(2);
    expect(chosen.why).toBe(
      "no GPU to time against wasm; 2 threads for this design: 60 ms/step against 1 thread's 100 ms",
    );
  });

  it('puts a design where threads lose on one thread, and keeps each decision per shape', async () => {
    const pool = fakePool(2);
    const mlp = trial('small-mlp', pool, 5, 3);
    expect((await chooseWasmThreads(wasm, mlp.trial, {}, pool)).threads).toBe(1);
    expect(pool.threads()).toBe(1);
    const cnn = trial('cnn-2', pool, 60, 100);
    expect((await chooseWasmThreads(wasm, cnn.trial, {}, pool)).threads).toBe(2);
    // The pool was on one thread: that was timed first.
    expect(cnn.timed).toEqual([1, 2, 2, 1]);
    // Back to the small MLP: no new trial, the pool set as decided.
    expect((await chooseWasmThreads(wasm, mlp.trial, {}, pool)).threads).toBe(1);
    expect(mlp.timed).toEqual([2, 1, 1, 2]);
    expect(pool.threads()).toBe(1);
  });

  it('keeps each side’s faster trial, so a cold first trial does not decide', async () => {
    const pool = fakePool(2);
    // The first trial (two threads, the engine cold) is slow; the later ones show two threads win.
    const times = [200, 100, 100, 60];
    let i = 0;
    const cold = { signature: 'cold-start', time: async () => times[i++] };
    expect((await chooseWasmThreads(wasm, cold, {}, pool)).threads).toBe(2);
  });

  it('takes all threads after one trial when a step is long, not holding the run for three more', async () => {
    const pool = fakePool(4);
    const big = trial('big-cnn', pool, 1200, 4000);
    const chosen = await chooseWasmThreads(wasm, big.trial, {}, pool);
    expect(big.timed).toEqual([4]);
    expect(chosen.threads).toBe(4);
    expect(chosen.why).toBe(
      '4 threads for this design: its steps take 1.2 s, long enough that threads pay (not timed further)',
    );
  });

  it('decides nothing when a trial fails, and leaves the failure to the run', async () => {
    const pool = fakePool(2);
    const failing = {
      signature: 'breaks',
      time: async () => {
        if (pool.threads() === 1) throw new WebAssembly.RuntimeError('memory access out of bounds');
        return 10;
      },
    };
    const chosen = await chooseWasmThreads(wasm, failing, {}, pool);
    expect(chosen.threads).toBe(2);
    expect(chosen.why).toBeUndefined();
    expect(pool.threads()).toBe(2);
  });

  it('leaves a count set by hand, and one thread where there is no pool', async () => {
    const pool = fakePool(4);
    pool.useAll(false);
    const hand = trial('by-hand', pool, 100, 10);
    const chosen = await chooseWasmThreads(wasm, hand.trial, { BACKFLOW_WASM_THREADS: '4' }, pool);
    expect(hand.timed).toEqual([]);
    expect(chosen.threads).toBe(4);
    expect(pool.threads()).toBe(4);
    const none = trial('no-pool', pool, 1, 1);
    expect((await chooseWasmThreads(wasm, none.trial, {}, undefined)).threads).toBe(1);
    expect(none.timed).toEqual([]);
    // Where the threaded build failed to start, each run's report says why it is on one thread.
    const failed = await chooseWasmThreads(
      { ...wasm, why: 'no GPU to time against wasm' },
      none.trial,
      {},
      undefined,
      'the threaded WebAssembly build failed to start: ENOSPC',
    );
    expect(failed.why).toBe(
      'no GPU to time against wasm; 1 thread: the threaded WebAssembly build failed to start: ENOSPC',
    );
  });

  it('runs a network of products on gemm.wat’s helper threads, with XNNPACK’s pool off', async () => {
    const pool = fakePool(2);
    const timed: string[] = [];
    const wide = {
      signature: 'wide-mlp',
      convolutional: false,
      time: async () => {
        timed.push(`${pool.threads()} ${productsSplit() ? 'split' : 'whole'}`);
        return productsSplit() ? 60 : 100;
      },
    };
    try {
      const chosen = await chooseWasmThreads(wasm, wide, {}, pool);
      // "All threads" for products is the helpers, never XNNPACK's pool beside them.
      expect(timed).toEqual(['1 split', '1 whole', '1 whole', '1 split']);
      expect(chosen.threads).toBe(2);
      expect([pool.threads(), productsSplit()]).toEqual([1, true]);
      // A CNN after it: XNNPACK's pool, the products whole.
      await chooseWasmThreads(wasm, trial('cnn-3', pool, 60, 100).trial, {}, pool);
      expect([pool.threads(), productsSplit()]).toEqual([2, false]);
    } finally {
      splitProducts(false);
    }
  });
});
