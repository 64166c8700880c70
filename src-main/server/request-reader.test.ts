/**
 * The request reader: small messages are read inline, large ones on its
 * worker with the same result; a message that exhausts the worker's heap is
 * refused in words and the next one is read by a fresh worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src-shared/wire';
import { createRequestReader, INLINE_BYTES, type RequestReader } from './request-reader';

const text = (value: string) => new TextEncoder().encode(value);
/** A valid train.start whose text is `size` bytes (padded with spaces inside the design text). */
const start = (size: number) => {
  const head = { type: 'train.start', runId: 3, designDir: '/home/x', backend: 'wasm', telemetryEvery: 1 };
  const json = JSON.stringify({ ...head, designText: '' });
  return JSON.stringify({ ...head, designText: ' '.repeat(size - json.length) });
};

describe('request reader', () => {
  let reader: RequestReader | undefined;
  afterEach(() => reader?.close());

  it('reads small and large requests alike, dropping the page’s folder path', async () => {
    reader = createRequestReader();
    for (const size of [1000, 4 * INLINE_BYTES]) {
      const result = await reader.read(text(start(size)), false);
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.request).toMatchObject({ type: 'train.start', runId: 3, designDir: null });
    }
    const weights = new Uint8Array(2 * INLINE_BYTES).fill(5);
    const binary = encodeMessage({ ...JSON.parse(start(1000)), initialWeights: weights }) as Uint8Array;
    const result = await reader.read(binary, true);
    expect(result.ok && result.request.type === 'train.start' && result.request.initialWeights).toEqual(
      weights,
    );
  });

  it('refuses a request too complex for its heap, then reads the next with a fresh worker', async () => {
    reader = createRequestReader(undefined, 64);
    // About 1.4 million empty objects: far more than 64 MB of heap.
    const costly = text(`[${'{},'.repeat(1_400_000)}{}]`);
    const refused = await reader.read(costly, false);
    expect(refused).toEqual({
      ok: false,
      answer: {
        type: 'train.onError',
        runId: null,
        error: {
          type: 'badRequest',
          message: 'the request is too complex to read: it needed more than 64 MB',
        },
      },
    });
    const next = await reader.read(text(start(2 * INLINE_BYTES)), false);
    expect(next.ok).toBe(true);
  });
});
