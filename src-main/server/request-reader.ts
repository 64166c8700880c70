/**
 * Reads the server's incoming messages without letting a large one stall it:
 * a message under {@link INLINE_BYTES} is read on the server's thread (a few
 * milliseconds at most), a larger one on a worker thread with a bounded heap,
 * so a `GET /` or another tab's pause request is answered while megabytes of
 * JSON are parsed. A message that exhausts the worker's heap is refused and
 * the worker replaced.
 */
import { Worker } from 'node:worker_threads';
import { carriesDesign } from '../../src-shared/protocol';
import { badRequest, readRequest, type ReadResult } from './read-request';

/** Messages up to this size are read inline: parsing 64 KB of the worst JSON takes a few ms. */
export const INLINE_BYTES = 64 * 1024;
/** The reading worker's heap: a 4 MB request of the worst shape (`[{},{},…]`) needs about 150 MB. */
export const READER_HEAP_MB = 512;

/** A message sent to the worker. */
export interface ReadJob {
  id: number;
  data: Uint8Array;
  isBinary: boolean;
}
/** The worker's answer to a {@link ReadJob}. */
export interface ReadReply {
  id: number;
  result: ReadResult;
}

export interface RequestReader {
  /** Reads one message whose size was accepted (read-request.ts `sizeProblem`); never rejects. */
  read(data: Uint8Array, isBinary: boolean): Promise<ReadResult>;
  /** Ends the worker; reads still pending are refused. */
  close(): Promise<void>;
}

/** The buffers of a read request's bytes, handed over rather than copied. */
export function transferablesOf(result: ReadResult): ArrayBuffer[] {
  if (!result.ok) return [];
  const { request } = result;
  const arrays: Uint8Array[] = [];
  if (request.type === 'import.model') arrays.push(...request.files.map((file) => file.bytes));
  if (carriesDesign(request)) {
    if (request.initialWeights) arrays.push(request.initialWeights);
    if (request.dataFile) arrays.push(request.dataFile.bytes);
  }
  // Each decoded array owns its whole buffer (wire.ts copies them out of the frame).
  const buffers = new Set(arrays.map((array) => array.buffer as ArrayBuffer));
  return [...buffers];
}

/** One reader per server; `workerUrl` defaults to the tsx bootstrap beside this file. */
export function createRequestReader(
  workerUrl = new URL('./read-worker-bootstrap.mjs', import.meta.url),
  heapMb = READER_HEAP_MB,
): RequestReader {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, (result: ReadResult) => void>();

  const failAll = (message: string) => {
    const waiting = [...pending.values()];
    pending.clear();
    waiting.forEach((resolve) => resolve(badRequest(message)));
  };

  const start = (): Worker => {
    const started = new Worker(workerUrl, {
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    started.unref(); // an idle reader never keeps the process alive
    started.on('message', ({ id, result }: ReadReply) => {
      const resolve = pending.get(id);
      pending.delete(id);
      resolve?.(result);
    });
    const lost = (why: string) => {
      if (worker !== started) return;
      worker = undefined;
      failAll(why);
    };
    started.on('error', (error: Error & { code?: string }) =>
      lost(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the request is too complex to read: it needed more than ${heapMb} MB`
          : `the request could not be read: ${error.message}`,
      ),
    );
    started.on('exit', () => lost('the request could not be read: the reader stopped'));
    return started;
  };

  return {
    read(data, isBinary) {
      if (data.length <= INLINE_BYTES) return Promise.resolve(readRequest(data, isBinary));
      worker ??= start();
      const id = nextId++;
      const reading = new Promise<ReadResult>((resolve) => pending.set(id, resolve));
      const job: ReadJob = { id, data: ownCopy(data), isBinary };
      try {
        worker.postMessage(job, [job.data.buffer as ArrayBuffer]);
      } catch {
        // A buffer Node will not let go of (a pooled one): send a copy instead.
        worker.postMessage({ ...job, data: new Uint8Array(data) });
      }
      return reading;
    },
    async close() {
      const ending = worker;
      worker = undefined;
      failAll('the server is shutting down');
      await ending?.terminate();
    },
  };
}

/** `data` itself when it owns its whole buffer (so the buffer can move), else a copy that does. */
function ownCopy(data: Uint8Array): Uint8Array {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return whole && data.buffer instanceof ArrayBuffer ? data : new Uint8Array(data);
}
