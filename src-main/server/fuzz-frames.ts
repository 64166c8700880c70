/**
 * Hostile WebSocket messages for the server's fuzz suite, drawn from a
 * seeded generator so a failure replays exactly. Every message made here is
 * invalid by construction (the comments say why), so each must be answered
 * with exactly one refusal and none may reach an engine.
 */
import { encodeMessage } from '../../src-shared/wire';

/** A message to send and the family it belongs to (reported when one goes unanswered). */
export interface FuzzFrame {
  family: string;
  data: string | Uint8Array;
}

/** Mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Json = Record<string, unknown>;

/** One well-formed request of each type: the material the mutations start from. */
const BASES: Json[] = [
  { type: 'train.start', runId: 1, designText: '{}', designDir: null, backend: 'wasm', telemetryEvery: 1 },
  { type: 'train.pause', runId: 2 },
  { type: 'train.resume', runId: 3 },
  { type: 'train.step', runId: 4 },
  { type: 'train.stop', runId: 5 },
  { type: 'export.initial', requestId: 6, designText: '{}', format: 'tfjs' },
  { type: 'export.run', requestId: 7, runId: 1, format: 'keras' },
  { type: 'import.model', requestId: 8, files: [{ name: 'model.json', bytes: new Uint8Array(16) }] },
  { type: 'preview.init', requestId: 9, designText: '{}' },
];

/** Values no field of any request accepts (every field is an id, text, a name, bytes or a list). */
const NEVER_VALID: unknown[] = [-1, 1.5, -0.5, 1e308, 2 ** 64, true, {}, { polluted: 1 }, [[]], ['x']];
/** Keys no request has: prototype pollution attempts and plain strangers. */
const STRANGE_KEYS = ['__proto__', 'constructor', 'prototype', 'polluted', 'designdir', 'type ', ''];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** A copy of `base` with one field broken: given a value no field accepts, removed, or joined by a stranger. */
function mutate(random: () => number, base: Json): Json {
  const copy: Json = { ...base };
  const fields = Object.keys(base).filter((key) => key !== 'type');
  const field = pick(random, fields);
  const how = random();
  if (how < 0.45) copy[field] = pick(random, NEVER_VALID);
  else if (how < 0.7)
    delete copy[field]; // every field of a base is required
  else {
    const key = pick(random, STRANGE_KEYS);
    // defineProperty: an own key even for "__proto__", as JSON.parse would make it.
    Object.defineProperty(copy, key, {
      value: { polluted: true },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** Text frames: broken JSON, JSON that is not a request, requests with one field broken. */
function textFrames(random: () => number, count: number): FuzzFrame[] {
  const frames: FuzzFrame[] = [];
  for (let i = 0; i < count; i++) {
    const base = BASES[i % BASES.length];
    const text = JSON.stringify(base.type === 'import.model' ? { ...base, files: [] } : base);
    const kind = i % 6;
    if (kind === 0) {
      // A proper prefix of an object's JSON never parses.
      frames.push({ family: 'malformed JSON', data: text.slice(0, Math.floor(random() * text.length)) });
    } else if (kind === 1) {
      const junk = Array.from({ length: 1 + Math.floor(random() * 200) }, () =>
        String.fromCharCode(Math.floor(random() * 0x3000)),
      ).join('');
      frames.push({ family: 'random text', data: `{${junk}` });
    } else if (kind === 2) {
      const values = [
        'null',
        '0',
        '"train.start"',
        '[]',
        '[{"type":"train.stop","runId":1}]',
        'true',
        '-1e999',
      ];
      frames.push({ family: 'not an object', data: pick(random, values) });
    } else if (kind === 3) {
      const type = pick(random, [
        'train.Start',
        'engine.exit',
        '__proto__',
        'constructor',
        '',
        'train.start\u0000',
      ]);
      frames.push({ family: 'unknown type', data: JSON.stringify({ ...base, type }) });
    } else {
      // Text frames cannot carry bytes: an import here has only JSON values, never valid files.
      frames.push({ family: 'wrong field', data: JSON.stringify(mutate(random, base)) });
    }
  }
  return frames;
}

/** Builds a binary frame by hand around `header`, its payload starting at byte `at`. */
export function handMadeFrame(header: unknown, at = 1024, payload = new Uint8Array(64)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header).padEnd(at - 8, ' '));
  const frame = new Uint8Array(Math.max(at, 8 + json.length) + payload.length);
  frame.set([0x42, 0x46, 0x57, 0x31]);
  new DataView(frame.buffer).setUint32(4, json.length, true);
  frame.set(json, 8);
  frame.set(payload, frame.length - payload.length);
  return frame;
}

/** Binary frames: garbage, truncations, hostile headers, and well-encoded requests that are not valid. */
function binaryFrames(random: () => number, count: number): FuzzFrame[] {
  const frames: FuzzFrame[] = [];
  const upload = (files: unknown[]) => ({ type: 'import.model', requestId: 9, files });
  const headers: [string, unknown][] = [
    [
      'overlapping arrays',
      {
        value: { a: null, b: null },
        arrays: [
          [['a'], 'u8', 1024, 32],
          [['b'], 'u8', 1024, 32],
        ],
      },
    ],
    ['array out of range', { value: { a: null }, arrays: [[['a'], 'u8', 1024, 65]] }],
    ['huge declared length', { value: { a: null }, arrays: [[['a'], 'f64', 1024, 2 ** 31]] }],
    ['array in the header', { value: { a: null }, arrays: [[['a'], 'u8', 8, 16]] }],
    ['misaligned array', { value: { a: null }, arrays: [[['a'], 'u8', 1025, 1]] }],
    ['unknown kind', { value: { a: null }, arrays: [[['a'], 'u64', 1024, 1]] }],
    ['prototype path', { value: { a: null }, arrays: [[['__proto__', 'polluted'], 'u8', 1024, 1]] }],
    ['constructor path', { value: {}, arrays: [[['constructor', 'prototype', 'polluted'], 'u8', 1024, 1]] }],
    [
      'path to a non-placeholder',
      { value: { type: 'train.stop', runId: 1 }, arrays: [[['runId'], 'u8', 1024, 1]] },
    ],
    ['bad number entry', { value: { a: null }, arrays: [], numbers: [[['a'], 'Infinity!']] }],
    ['number entry on a prototype key', { value: {}, arrays: [], numbers: [[['__proto__'], 'NaN']] }],
    ['header not an object', [1, 2, 3]],
    ['arrays not a list', { value: { type: 'train.stop', runId: 1 }, arrays: 'none' }],
    [
      'a request with a NaN id',
      { value: { type: 'train.stop', runId: null }, arrays: [], numbers: [[['runId'], 'NaN']] },
    ],
  ];
  for (let i = 0; i < count; i++) {
    const kind = i % 8;
    if (kind === 0) {
      const bytes = new Uint8Array(1 + Math.floor(random() * 300)).map(() => Math.floor(random() * 256));
      frames.push({ family: 'random bytes', data: bytes });
    } else if (kind === 1) {
      // Cut short: the last array always reaches the frame's end, so any cut leaves it outside.
      const whole = encodeMessage(
        upload([{ name: 'model.json', bytes: new Uint8Array(100 + i).fill(7) }]),
      ) as Uint8Array;
      frames.push({ family: 'truncated binary', data: whole.slice(0, Math.floor(random() * whole.length)) });
    } else if (kind === 2) {
      const frame = encodeMessage(upload([{ name: 'model.json', bytes: new Uint8Array(64) }])) as Uint8Array;
      const copy = frame.slice();
      // A declared header length past the frame's end (but under the 4 MB limit).
      new DataView(copy.buffer).setUint32(4, frame.length + 1 + Math.floor(random() * 1_000_000), true);
      frames.push({ family: 'header longer than the frame', data: copy });
    } else if (kind === 3 || kind === 4) {
      const [family, header] = headers[Math.floor(random() * headers.length)];
      frames.push({ family, data: handMadeFrame(header) });
    } else if (kind === 5) {
      const name = pick(random, [
        '../x.bin',
        'a/b.json',
        'con:',
        '',
        'x'.repeat(256),
        'w.bin ',
        'nul\u0000.json',
      ]);
      frames.push({
        family: 'bad upload name',
        data: encodeMessage(upload([{ name, bytes: new Uint8Array(8) }])) as Uint8Array,
      });
    } else if (kind === 6) {
      const files = pick(random, [
        [{ name: 'model.json', bytes: new Float32Array(4) }],
        [
          { name: 'A.json', bytes: new Uint8Array(1) },
          { name: 'a.JSON', bytes: new Uint8Array(1) },
        ],
        Array.from({ length: 65 }, (_, n) => ({ name: `${n}.bin`, bytes: new Uint8Array(1) })),
        [{ name: 'model.json', bytes: new Uint8Array(1), extra: new Uint8Array(1) }],
      ]);
      frames.push({ family: 'bad upload files', data: encodeMessage(upload(files)) as Uint8Array });
    } else {
      const start = { ...BASES[0], initialWeights: new Float64Array(3) }; // weights must be bytes
      const request =
        random() < 0.5 ? start : mutate(random, { ...BASES[5], initialWeights: new Uint8Array(8) });
      if (request === start || 'initialWeights' in request) {
        frames.push({ family: 'binary request, wrong field', data: encodeMessage(request) as Uint8Array });
      } else {
        frames.push({
          family: 'binary request, wrong field',
          data: encodeMessage({ ...request, seed: -1, initialWeights: new Uint8Array(8) }) as Uint8Array,
        });
      }
    }
  }
  return frames;
}

/**
 * `count` hostile messages, about half text and half binary, each of which
 * must be answered with one refusal (and none of which closes the connection).
 */
export function hostileFrames(seed: number, count: number): FuzzFrame[] {
  const random = seededRandom(seed);
  const text = textFrames(random, Math.ceil(count / 2));
  const binary = binaryFrames(random, Math.floor(count / 2));
  // Interleaved, so text and binary alternate on the wire.
  return text.flatMap((frame, i) => (i < binary.length ? [frame, binary[i]] : [frame]));
}
