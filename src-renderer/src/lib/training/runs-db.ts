/**
 * Kept runs in the page's IndexedDB (browser mode): one entry per run, the
 * run file's text (run-file.ts) under the run's id. The library bounds how
 * many there are; a run that no longer reads is skipped, not fatal.
 */
import { parseRunFile, runToJsonl } from './run-file';
import type { KeptRun, RunStore } from './runs.svelte';

const DB_NAME = 'backflow-runs';
const STORE = 'runs';

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

/** The page's IndexedDB as a RunStore; null where the page has none (tests, private modes that refuse it). */
export function indexedDbRunStore(): RunStore | null {
  if (typeof indexedDB === 'undefined') return null;
  let db: Promise<IDBDatabase> | null = null;
  const store = async (mode: IDBTransactionMode) => {
    db ??= open();
    return (await db).transaction(STORE, mode).objectStore(STORE);
  };
  return {
    async load(): Promise<KeptRun[]> {
      const texts = (await request((await store('readonly')).getAll())) as unknown[];
      const runs: KeptRun[] = [];
      for (const text of texts) {
        const parsed = typeof text === 'string' ? parseRunFile(text) : null;
        if (parsed?.ok) runs.push(parsed.run);
        else console.warn('a stored run could not be read', parsed?.ok === false ? parsed.message : text);
      }
      return runs;
    },
    async save(run: KeptRun): Promise<void> {
      await request((await store('readwrite')).put(runToJsonl(run), run.info.id));
    },
    async remove(id: string): Promise<void> {
      await request((await store('readwrite')).delete(id));
    },
  };
}
