/**
 * Kept runs in the page's IndexedDB (browser mode): one entry per run, the
 * run file's text (run-file.ts) under the run's id, and its trained weights
 * (safetensors bytes) under `weights:<id>`. The library bounds how many there
 * are; a run that no longer reads is skipped and named, not fatal.
 */
import { parseRunFile, runToJsonl } from './run-file';
import type { KeptRun, LoadedRuns, RunStore } from './runs.svelte';

const DB_NAME = 'backflow-runs';
const STORE = 'runs';
/** Run ids are plain names (`run-mxdaoh1x-6tuvy0`): this prefix never starts one. */
const WEIGHTS = 'weights:';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

/** A write of both entries in one transaction: a run is never kept with another run's weights. */
function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
  });
}

/** The page's IndexedDB as a RunStore; null where the page has none (tests, private modes that refuse it). */
export function indexedDbRunStore(): RunStore | null {
  if (typeof indexedDB === 'undefined') return null;
  let db: Promise<IDBDatabase> | null = null;
  const transaction = async (mode: IDBTransactionMode) => {
    db ??= open();
    return (await db).transaction(STORE, mode);
  };
  return {
    perDesign: false,
    place: 'in this browser’s storage',
    async load(): Promise<LoadedRuns> {
      const store = (await transaction('readonly')).objectStore(STORE);
      const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
      const weights = new Map<string, Uint8Array>();
      keys.forEach((key, i) => {
        if (typeof key === 'string' && key.startsWith(WEIGHTS) && values[i] instanceof Uint8Array)
          weights.set(key.slice(WEIGHTS.length), values[i]);
      });
      const runs: KeptRun[] = [];
      const problems: string[] = [];
      keys.forEach((key, i) => {
        if (typeof key !== 'string' || key.startsWith(WEIGHTS)) return;
        const text: unknown = values[i];
        const parsed = typeof text === 'string' ? parseRunFile(text, `run ${key}`) : null;
        if (parsed?.ok) runs.push({ ...parsed.run, weights: weights.get(key) ?? null });
        else problems.push(parsed?.ok === false ? parsed.message : `run ${key} is not a run file`);
      });
      return { runs, problems };
    },
    async save(run: KeptRun): Promise<boolean> {
      const tx = await transaction('readwrite');
      const store = tx.objectStore(STORE);
      store.put(runToJsonl(run), run.info.id);
      if (run.weights) store.put(run.weights, WEIGHTS + run.info.id);
      else store.delete(WEIGHTS + run.info.id);
      await done(tx);
      return true;
    },
    async remove(run: KeptRun): Promise<void> {
      const tx = await transaction('readwrite');
      tx.objectStore(STORE).delete(run.info.id);
      tx.objectStore(STORE).delete(WEIGHTS + run.info.id);
      await done(tx);
    },
  };
}
