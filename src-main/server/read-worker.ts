/**
 * The request-reading worker of `backflow serve`: decodes and checks large
 * messages (see request-reader.ts) so that parsing megabytes of hostile JSON
 * never holds the server's event loop. One message at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import { readRequest } from './read-request';
import { transferablesOf, type ReadJob, type ReadReply } from './request-reader';

if (!parentPort) throw new Error('read-worker must run in a worker thread');
const port = parentPort;
port.on('message', ({ id, data, isBinary }: ReadJob) => {
  const result = readRequest(data, isBinary);
  const reply: ReadReply = { id, result };
  port.postMessage(reply, transferablesOf(result));
});
