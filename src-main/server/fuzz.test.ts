/**
 * The fuzz suite of issue 13, against a real `backflow serve` in a child
 * process on 127.0.0.1: 1,200 hostile messages from a seeded generator
 * (fuzz-frames.ts) are each answered with one refusal on a connection that
 * stays open; the largest messages the limits allow are refused after being
 * read off the server's thread, and messages past the limits close their
 * connection with 1009. Meanwhile the server's event loop is never held for
 * a second and a plain `GET /` keeps answering within a second of its idle
 * time, the server's peak RSS stays under {@link PEAK_RSS_BOUND} and its
 * heap under {@link HEAP_BOUND}, and Object.prototype gains nothing.
 * Bounded: a fixed number of messages, a few large ones, one test timeout.
 * `npm test` runs this file on its own, after the other unit tests
 * (package.json `test:unit`), so its time bounds measure the server, not a
 * neighbouring test training a network on the same two cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_BINARY_REQUEST_BYTES,
  MAX_REQUEST_HEADER_BYTES,
  MAX_TEXT_REQUEST_BYTES,
} from '../../src-shared/protocol';
import { MAX_UPLOAD_BYTES } from '../../src-shared/protocol-checks';
import { encodeMessage } from '../../src-shared/wire';
import { handMadeFrame, hostileFrames } from './fuzz-frames';
import { openSocket, type TestSocket } from './test-support';

/** Hostile messages in the first phase (issue 13 asks for at least 1,000). */
const HOSTILE_COUNT = 1200;
/**
 * The server's peak resident memory, all threads included (about 530 MB
 * measured): 120 MB at rest under tsx, a 72 MB upload held while the reading
 * worker copies it out, and that worker's heap for 4 MB of the worst JSON.
 * Before issue 13, one 1 MB frame alone took 800 MB.
 */
const PEAK_RSS_BOUND = 900 * 1024 * 1024;
/**
 * The server thread's JavaScript heap (about 15 MB measured): it never parses
 * a large message itself (4 MB of `[{},…]` alone would take over 100 MB).
 */
const HEAP_BOUND = 64 * 1024 * 1024;
/**
 * A behavioural bound: during the largest messages the server's event loop
 * is never held this long, and a health request takes at most this much
 * longer than the slowest one on the idle server just before (on two cores
 * shared with other work, an idle `GET /` alone can take a few hundred ms).
 */
const HEALTH_BOUND_MS = 1000;

interface ServerProcess {
  child: ChildProcess;
  port: number;
  peakHeap: number;
  polluted: boolean;
  /** The longest its event loop was held, in ms (reported with a failure, not asserted). */
  loopDelay: number;
}

function startServerProcess(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fuzz-server-child.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const server: ServerProcess = { child, port: 0, peakHeap: 0, polluted: false, loopDelay: 0 };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [what, a, b, c, d] = line.split(' ');
      if (what === 'listening') {
        server.port = Number(a);
        resolve(server);
      } else if (what === 'memory') {
        server.peakHeap = Math.max(server.peakHeap, Number(b));
        server.polluted ||= c === 'true';
        server.loopDelay = Math.max(server.loopDelay, Number(d));
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited early (${code})`)));
  });
}

/** The peak resident set of a process so far (Linux: VmHWM in /proc). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line!.replace(/\D/g, '')) * 1024;
}

/** Milliseconds for a `GET /` to be answered with 200. */
function health(port: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      response.resume();
      response.on('end', () =>
        response.statusCode === 200
          ? resolve(performance.now() - started)
          : reject(new Error(`GET / answered ${response.statusCode}`)),
      );
    });
    request.on('error', reject);
  });
}

/**
 * Probes `GET /` every 100 ms from a thread of its own (this thread is busy
 * building and sending the large messages, which must not count against the
 * server) while `work` runs; returns every answer's time.
 */
async function whileProbing(port: number, work: () => Promise<void>): Promise<number[]> {
  const prober = new Worker(
    `const { get } = require('node:http');
     const { parentPort, workerData } = require('node:worker_threads');
     let done = false;
     parentPort.on('message', () => (done = true));
     (async () => {
       const times = [];
       while (!done) {
         const started = performance.now();
         times.push(await new Promise((resolve) =>
           get({ host: '127.0.0.1', port: workerData, path: '/', agent: false }, (response) => {
             response.resume();
             response.on('end', () => resolve(response.statusCode === 200 ? performance.now() - started : Infinity));
           }).on('error', () => resolve(Infinity)),
         ));
         await new Promise((resolve) => setTimeout(resolve, 100));
       }
       parentPort.postMessage(times);
     })();`,
    { eval: true, workerData: port },
  );
  const times = new Promise<number[]>((resolve) => prober.once('message', resolve));
  try {
    await work();
  } finally {
    prober.postMessage('stop');
  }
  const result = await times;
  await prober.terminate();
  return result;
}

const isRefusal = (event: { type: string; [key: string]: unknown }) => {
  const error =
    event.type === 'train.onError'
      ? event.error
      : event.type === 'import.onResult' ||
          event.type === 'export.onResult' ||
          event.type === 'preview.onResult'
        ? (event.result as { error?: unknown }).error
        : undefined;
  return (error as { type?: string } | undefined)?.type === 'badRequest';
};

/** Sends `data` on a fresh connection and resolves with how it closed. */
async function sendAlone(url: string, data: string | Uint8Array): Promise<{ code: number; reason: string }> {
  const socket = await openSocket(url);
  socket.ws.on('error', () => {}); // the server may cut a large send short
  socket.ws.send(data);
  const notClosed = new Promise<{ code: number; reason: string }>((resolve) =>
    setTimeout(() => resolve({ code: 0, reason: 'still open after 10 s' }), 10_000).unref(),
  );
  const closed = await Promise.race([socket.closed, notClosed]);
  socket.ws.terminate();
  return closed;
}

/**
 * Opens /engine by hand and sends only the header of a binary frame that
 * declares `length` bytes (and a few of them): a client that would send more
 * than the server takes, without this process spending the time to send it.
 * Resolves with the close code of the server's answer.
 */
function declareOnly(port: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let upgraded = false;
    socket.on('error', reject);
    socket.on('connect', () =>
      socket.write(
        `GET /engine HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!received.subarray(0, end).toString().startsWith('HTTP/1.1 101'))
          return reject(new Error('not upgraded'));
        upgraded = true;
        received = received.subarray(end + 4);
        const header = Buffer.alloc(14);
        header[0] = 0x82; // final binary frame
        header[1] = 0x80 | 127; // masked, 64-bit length
        header.writeBigUInt64BE(BigInt(length), 2);
        socket.write(Buffer.concat([header, Buffer.alloc(64)])); // mask key and a little payload
      }
      // The server's close frame: 0x88, a length, then the code.
      if (received.length >= 4 && received[0] === 0x88) {
        resolve(received.readUInt16BE(2));
        socket.destroy();
      }
    });
  });
}

/** `[{},{},…]` of about `bytes` characters: the costliest JSON to parse per byte. */
const emptyObjects = (bytes: number) => `[${'{},'.repeat(Math.floor(bytes / 3) - 1)}{}]`;

describe('fuzzing backflow serve', () => {
  let server: ServerProcess;
  let url: string;
  beforeAll(async () => {
    server = await startServerProcess();
    url = `ws://127.0.0.1:${server.port}/engine`;
  });
  afterAll(async () => {
    if (server.child.exitCode !== null) return;
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0); // stopped as a user's Ctrl+C stops it
  });

  it(`answers each of ${HOSTILE_COUNT} hostile messages with one refusal, on one open connection`, async () => {
    const socket: TestSocket = await openSocket(url);
    const frames = hostileFrames(20261207, HOSTILE_COUNT);
    expect(frames.length).toBe(HOSTILE_COUNT);
    // In batches, so a missing answer is found near the message that lost it.
    for (let from = 0; from < frames.length; from += 100) {
      const batch = frames.slice(from, from + 100);
      batch.forEach((frame) => socket.ws.send(frame.data));
      const expected = from + batch.length;
      await socket
        .waitFor(() => socket.events.length >= expected, 30_000)
        .catch(() => {
          const families = [...new Set(batch.map((frame) => frame.family))].join(', ');
          throw new Error(`${expected - socket.events.length} of messages ${from}… unanswered (${families})`);
        });
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing answered twice
    expect(socket.events.length).toBe(HOSTILE_COUNT);
    const notRefusals = socket.events.filter((event) => !isRefusal(event));
    expect(notRefusals).toEqual([]);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.ws.close();
  });

  it('stays responsive and bounded through the largest messages, and closes those past the limits', async () => {
    const refusedOn = async (socket: TestSocket, data: string | Uint8Array) => {
      const before = socket.events.length;
      socket.ws.send(data);
      await socket.waitFor(() => socket.events.length > before, 60_000);
      return socket.events[before];
    };
    const closes: number[] = [];
    const answers: { type: string; [key: string]: unknown }[] = [];
    // Built before the probing starts: only the server's time should count.
    const deep = `${'['.repeat(MAX_TEXT_REQUEST_BYTES / 2)}${']'.repeat(MAX_TEXT_REQUEST_BYTES / 2)}`;
    const manyKeys = `{"type":"train.stop","runId":1,${Array.from({ length: 200_000 }, (_, i) => `"k${i}":1`).join(',')}}`;
    const bigHeader = handMadeFrame(
      { value: JSON.parse(emptyObjects(MAX_REQUEST_HEADER_BYTES - 64)), arrays: [] },
      8,
    );
    // An upload of all the bytes an import may carry, refused for its file name after decoding.
    const upload = encodeMessage({
      type: 'import.model',
      requestId: 1,
      files: [{ name: '../model.json', bytes: new Uint8Array(MAX_UPLOAD_BYTES) }],
    });
    const largest = [emptyObjects(MAX_TEXT_REQUEST_BYTES), deep, manyKeys, bigHeader, upload];
    const declaresHugeHeader = new Uint8Array(MAX_REQUEST_HEADER_BYTES + 1024);
    declaresHugeHeader.set([0x42, 0x46, 0x57, 0x31]);
    new DataView(declaresHugeHeader.buffer).setUint32(4, MAX_REQUEST_HEADER_BYTES + 1, true);
    const pastLimits = [
      emptyObjects(20 * 1024 * 1024),
      ' '.repeat(MAX_TEXT_REQUEST_BYTES + 1),
      declaresHugeHeader,
    ];

    const idle = await whileProbing(server.port, () => new Promise((resolve) => setTimeout(resolve, 2000)));
    server.loopDelay = 0;
    const times = await whileProbing(server.port, async () => {
      const socket = await openSocket(url);
      // The largest accepted: 4 MB of the costliest JSON shapes as text and as a binary header,
      // and a whole upload.
      for (const data of largest) answers.push(await refusedOn(socket, data));
      expect(socket.ws.readyState).toBe(socket.ws.OPEN);
      socket.ws.close();
      // Past the limits: each closes its own connection before being parsed.
      for (const data of pastLimits) closes.push((await sendAlone(url, data)).code);
      closes.push(await declareOnly(server.port, MAX_BINARY_REQUEST_BYTES + 1));
    });

    expect(answers.map(isRefusal)).toEqual([true, true, true, true, true]);
    // Read whole and checked (not refused for the reading worker's heap): the protocol's words.
    const messages = answers.map(
      (event) => ((event.error ?? (event.result as { error: unknown }).error) as { message: string }).message,
    );
    expect(messages).toEqual([
      'a request must be an object',
      'a request must be an object',
      'train.stop: unexpected field "k0"',
      'a request must be an object',
      'import.model: the file name "../model.json" has a folder in it',
    ]);
    expect(closes).toEqual([1009, 1009, 1009, 1009]);
    expect(times.length).toBeGreaterThan(5);
    const seen =
      `GET / times (ms): ${times.map(Math.round).join(', ')}; idle: ${idle.map(Math.round).join(', ')}; ` +
      `longest server loop delay ${server.loopDelay} ms`;
    expect(server.loopDelay, seen).toBeLessThan(HEALTH_BOUND_MS);
    expect(Math.max(...times), seen).toBeLessThan(HEALTH_BOUND_MS + Math.max(...idle));

    // Still serving: a page loads and a new connection is answered.
    expect(await health(server.port)).toBeLessThan(HEALTH_BOUND_MS);
    const after = await openSocket(url);
    after.ws.send('{"type":"train.stop","runId":"x"}');
    expect(isRefusal(await after.waitFor(() => true))).toBe(true);
    after.ws.close();

    expect(peakRss(server.child.pid!)).toBeLessThan(PEAK_RSS_BOUND);
    expect(server.peakHeap).toBeLessThan(HEAP_BOUND);
    expect(server.polluted).toBe(false);
  });
});
