/**
 * The request-reading worker of `backflow serve`: decodes and checks large
 * messages (see request-reader.ts) so that parsing megabytes of hostile JSON
 * never holds the server's event loop. One message at a time, in order.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { readRequest } from './read-request';
import { transferablesOf, type ReadJob, type ReadReply } from './request-reader';

if (!parentPort) throw new Error('read-worker must run in a worker thread');
const port = parentPort;
lowerPriority();
port.on('message', ({ id, data, isBinary }: ReadJob) => {
  const result = readRequest(data, isBinary);
  const reply: ReadReply = { id, result };
  port.postMessage(reply, transferablesOf(result));
});

/**
 * Linux gives each thread its own nice value: this one yields the CPU to the
 * server's thread, so pages and small requests are answered first while a
 * large message is parsed. Elsewhere (or if refused) nothing changes.
 */
function lowerPriority(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, 10);
  } catch {
    // Not Linux, or not allowed: parse at the same priority.
  }
}
