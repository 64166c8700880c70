/**
 * The wire encoding round-trips every engine event shape (typed arrays as
 * their own type, NaN and ±Infinity intact) and refuses malformed frames
 * without reading outside them.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, WireError } from './wire';

const roundTrip = (message: unknown) => decodeMessage(encodeMessage(message));

/** Where handMade frames put their payload: the header is padded with spaces up to it. */
const P = 1024;

/** Builds a binary frame by hand: magic, header length, header JSON (padded), payload at byte P. */
function handMade(header: unknown, payload = new Uint8Array(16)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header).padEnd(P - 8, ' '));
  if (json.length > P - 8) throw new Error('test header too long for handMade');
  const frame = new Uint8Array(P + payload.length);
  frame.set([0x42, 0x46, 0x57, 0x31]);
  new DataView(frame.buffer).setUint32(4, json.length, true);
  frame.set(json, 8);
  frame.set(payload, P);
  return frame;
}

describe('wire encoding', () => {
  it('sends plain messages as JSON text', () => {
    const event = { type: 'train.onState', runId: 3, state: 'paused' };
    const frame = encodeMessage(event);
    expect(typeof frame).toBe('string');
    expect(JSON.parse(frame as string)).toEqual(event);
    expect(decodeMessage(frame)).toEqual(event);
  });

  it('round-trips a step with packed telemetry, NaN inside the array kept as raw floats', () => {
    const stats = new Float32Array([1.5, NaN, 1e-30, -3, Infinity, 0.25]);
    const event = {
      type: 'train.onStep',
      runId: 1,
      step: 7,
      epoch: 0,
      loss: 1.0986,
      accuracy: null,
      stats,
    };
    const frame = encodeMessage(event);
    expect(frame).toBeInstanceOf(Uint8Array);
    const decoded = decodeMessage(frame) as typeof event;
    expect(decoded.stats).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded.stats)).toEqual(Array.from(stats));
    expect(decoded).toEqual(event);
  });

  it('keeps non-finite scalars that JSON would turn into null', () => {
    const event = { type: 'train.onStep', loss: NaN, values: [Infinity, -Infinity, 2], stats: null };
    const decoded = roundTrip(event) as typeof event;
    expect(decoded.loss).toBeNaN();
    expect(decoded.values).toEqual([Infinity, -Infinity, 2]);
    expect(decoded.stats).toBeNull();
  });

  it('round-trips several arrays of different kinds, including views into larger buffers', () => {
    const backing = new Float32Array(64).map((_, i) => i / 7);
    const x = backing.subarray(3, 13); // a view at byte offset 12: not 8-aligned
    const labels = new Int32Array([0, 2, 1, -5, 2147483647]);
    const event = {
      type: 'train.onStarted',
      dataPreview: { x, labels, classes: 3 },
      extra: [new Uint8Array([1, 2, 3]), new Float64Array([Math.PI, -0.5])],
    };
    const decoded = roundTrip(event) as typeof event;
    expect(decoded.dataPreview.x).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded.dataPreview.x)).toEqual(Array.from(x));
    expect(decoded.dataPreview.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(decoded.dataPreview.labels)).toEqual(Array.from(labels));
    expect(decoded.extra[0]).toBeInstanceOf(Uint8Array);
    expect(decoded.extra[1]).toBeInstanceOf(Float64Array);
    expect(Array.from(decoded.extra[1])).toEqual([Math.PI, -0.5]);
  });

  it('round-trips a large decision boundary and an empty array', () => {
    const probabilities = new Float32Array(64 * 64 * 3).map((_, i) => (i % 97) / 97);
    const event = { type: 'train.onBoundary', resolution: 64, probabilities, empty: new Float32Array(0) };
    const decoded = roundTrip(event) as typeof event;
    expect(decoded.probabilities).toEqual(probabilities);
    expect(decoded.empty).toEqual(new Float32Array(0));
  });

  it('decodes from an ArrayBuffer and from a Node-style view at an odd offset', () => {
    const event = { stats: new Float32Array([1, 2, 3]) };
    const frame = encodeMessage(event) as Uint8Array;
    expect(decodeMessage(frame.slice().buffer)).toEqual(event);
    const shifted = new Uint8Array(frame.length + 3);
    shifted.set(frame, 3);
    expect(decodeMessage(shifted.subarray(3))).toEqual(event);
  });

  it('refuses typed arrays it has no kind for', () => {
    expect(() => encodeMessage({ a: new Uint16Array(2) })).toThrow(WireError);
  });

  it.each([
    ['not JSON text', 'not json {'],
    ['a short buffer', new Uint8Array([0x42, 0x46])],
    ['the wrong magic', handMade({ value: null, arrays: [], numbers: [] }).map((b, i) => (i === 0 ? 0 : b))],
    [
      'a header longer than the frame',
      (() => {
        const f = handMade({ value: null, arrays: [] });
        new DataView(f.buffer).setUint32(4, 1e6, true);
        return f;
      })(),
    ],
    ['an array past the end', handMade({ value: { a: null }, arrays: [[['a'], 'f32', P, 1e6]] })],
    ['a misaligned array', handMade({ value: { a: null }, arrays: [[['a'], 'f32', P + 1, 1]] })],
    ['an unknown kind', handMade({ value: { a: null }, arrays: [[['a'], 'u16', P, 1]] })],
    ['a prototype key in a path', handMade({ value: { a: null }, arrays: [[['__proto__'], 'u8', P, 1]] })],
    [
      'a path to a value that is not a placeholder',
      handMade({ value: { a: 1 }, arrays: [[['a'], 'u8', P, 1]] }),
    ],
    ['a path through nothing', handMade({ value: {}, arrays: [[['a', 'b'], 'u8', P, 1]] })],
    ['an array inside the header', handMade({ value: { a: null }, arrays: [[['a'], 'u8', 8, 1]] })],
    [
      'two arrays over the same bytes',
      handMade({
        value: { a: null, b: null },
        arrays: [
          [['a'], 'u8', P, 8],
          [['b'], 'u8', P, 8],
        ],
      }),
    ],
    [
      'arrays out of frame order',
      handMade({
        value: { a: null, b: null },
        arrays: [
          [['a'], 'u8', P + 8, 8],
          [['b'], 'u8', P, 8],
        ],
      }),
    ],
    ['a bad number entry', handMade({ value: { a: null }, arrays: [], numbers: [[['a'], 'Infinity!']] })],
    [
      'a header that is not UTF-8',
      (() => {
        const f = handMade({ value: null, arrays: [] });
        f[8] = 0xff;
        return f;
      })(),
    ],
  ])('refuses %s', (_name, frame) => {
    expect(() => decodeMessage(frame)).toThrow(WireError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes hand-made arrays that follow each other, each with its own bytes', () => {
    const payload = new Uint8Array(16).map((_, i) => i);
    const frame = handMade(
      {
        value: { a: null, b: null },
        arrays: [
          [['a'], 'u8', P, 8],
          [['b'], 'u8', P + 8, 8],
        ],
      },
      payload,
    );
    const decoded = decodeMessage(frame) as { a: Uint8Array; b: Uint8Array };
    expect([...decoded.a]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...decoded.b]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('refuses a 1 MB frame whose entries all point at its whole payload, before copying any of it', () => {
    // The attack of issue 13: 800 placeholders, each entry naming the same 1 MB, made the decoder
    // copy 800 MB. Header: 800 entries of about 30 bytes, so the payload starts at 64 KiB.
    const count = 800;
    const start = 64 * 1024;
    const length = 1024 * 1024 - start;
    const value = Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, null]));
    const arrays = Array.from({ length: count }, (_, i) => [[`k${i}`], 'u8', start, length]);
    const json = new TextEncoder().encode(JSON.stringify({ value, arrays }).padEnd(start - 8, ' '));
    expect(json.length).toBe(start - 8);
    const frame = new Uint8Array(1024 * 1024);
    frame.set([0x42, 0x46, 0x57, 0x31]);
    new DataView(frame.buffer).setUint32(4, json.length, true);
    frame.set(json, 8);

    const before = process.memoryUsage().arrayBuffers;
    expect(() => decodeMessage(frame)).toThrow(/array entry 1 overlaps the array before it/);
    // Nothing big was allocated: the copies would have been 800 × 1 MB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
  });
});
