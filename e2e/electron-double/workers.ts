/**
 * The engine's worker threads, seen from the double: main creates them with
 * node:worker_threads as it always does; the double notes each one that
 * posts a message (the prototype is shared, so no import is rewritten) so a
 * spec can end them the way a crash would and watch main recover.
 */
import { Worker } from 'node:worker_threads';

export function trackWorkers() {
  const live = new Set<Worker>();
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
    if (!live.has(this)) {
      live.add(this);
      this.once('exit', () => live.delete(this));
    }
    return postMessage.apply(this, args);
  };
  return {
    /** Terminates every live worker (exit code 1, as an unexpected end); returns how many. */
    async crashAll(): Promise<number> {
      const ended = [...live];
      await Promise.all(ended.map((worker) => worker.terminate()));
      return ended.length;
    },
  };
}
