/**
 * How engine events travel over the browser mode's WebSocket, shared by the
 * server (encoder) and the page (decoder). Pure TypeScript: no DOM, no Node,
 * so both ends import this one file.
 *
 * A message without typed arrays or non-finite numbers is a plain JSON text
 * frame. Anything else is a binary frame, so telemetry never becomes nested
 * number arrays (docs/telemetry.md, last section) and NaN / ±Infinity survive (JSON
 * would turn a diverged loss into null):
 *
 * ```
 * bytes 0–3   "BFW1"  magic and version
 * bytes 4–7   uint32 little-endian: H, the header's length in bytes
 * bytes 8…    H bytes of UTF-8 JSON:
 *             { "value":   the message with every typed array and non-finite number replaced by null,
 *               "arrays":  [[path, kind, byteOffset, length], …],
 *               "numbers": [[path, "NaN" | "Infinity" | "-Infinity"], …] }
 * then        each array's elements, little-endian, at its byteOffset (from the frame's start,
 *             a multiple of 8)
 * ```
 *
 * `path` is the list of keys and indices from the message's root; `kind` is
 * `f32`, `f64`, `i32` or `u8`.
 */

/** A frame as sent: a text frame (string) or a binary frame. */
export type WireFrame = string | Uint8Array;

/** A frame that could not be read (truncated, corrupted, or not ours). */
export class WireError extends Error {}

const MAGIC = [0x42, 0x46, 0x57, 0x31]; // "BFW1"
const PREFIX_BYTES = 8;
const ALIGN = 8;
const MAX_DEPTH = 32;
const KINDS = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u8: Uint8Array,
} as const;
type Kind = keyof typeof KINDS;
type TypedArray = InstanceType<(typeof KINDS)[Kind]>;
type Path = (string | number)[];
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function kindOf(value: ArrayBufferView): Kind {
  for (const kind of Object.keys(KINDS) as Kind[]) if (value instanceof KINDS[kind]) return kind;
  throw new WireError(`cannot encode a ${value.constructor.name}`);
}

/** Encodes one message (an engine event) as a frame; see the module comment for the layout. */
export function encodeMessage(message: unknown): WireFrame {
  const arrays: { path: Path; kind: Kind; data: TypedArray }[] = [];
  const numbers: [Path, string][] = [];
  const strip = (value: unknown, path: Path): unknown => {
    if (path.length > MAX_DEPTH) throw new WireError('message nested too deeply');
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return value;
      numbers.push([path, String(value)]);
      return null;
    }
    if (value === null || typeof value !== 'object') return value;
    if (ArrayBuffer.isView(value)) {
      arrays.push({ path, kind: kindOf(value), data: value as TypedArray });
      return null;
    }
    if (Array.isArray(value)) return value.map((item, i) => strip(item, [...path, i]));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = strip(item, [...path, key]);
    return out;
  };
  const value = strip(message, []);
  if (arrays.length === 0 && numbers.length === 0) return JSON.stringify(value);

  let offset = 0; // relative to the end of the header, fixed below
  const placed = arrays.map(({ path, kind, data }) => {
    offset = align(offset);
    const at = offset;
    offset += data.byteLength;
    return { path, kind, data, at };
  });
  // The header holds the offsets, and its length moves them: grow the payload's start until the
  // header written with it fits before it (offsets only grow, so this settles in a pass or two).
  let start = align(PREFIX_BYTES + 2);
  let header: Uint8Array;
  for (let pass = 0; ; pass++) {
    const json = JSON.stringify({
      value,
      arrays: placed.map((a) => [a.path, a.kind, start + a.at, a.data.length]),
      numbers,
    });
    header = new TextEncoder().encode(json);
    const needed = align(PREFIX_BYTES + header.length);
    if (needed <= start) break;
    if (pass > 8) throw new WireError('frame header did not settle');
    start = needed;
  }
  const frame = new Uint8Array(start + offset);
  frame.set(MAGIC, 0);
  new DataView(frame.buffer).setUint32(4, header.length, true);
  frame.set(header, PREFIX_BYTES);
  for (const { data, at } of placed) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    frame.set(bytes, start + at);
    if (!LITTLE_ENDIAN) swapBytes(frame, start + at, data.byteLength, data.BYTES_PER_ELEMENT);
  }
  return frame;
}

/**
 * Decodes a frame from {@link encodeMessage}. Typed arrays come back as their
 * own type (copied into their own buffers). Throws {@link WireError} for
 * anything malformed; never reads outside the frame.
 */
export function decodeMessage(data: string | ArrayBuffer | ArrayBufferView): unknown {
  if (typeof data === 'string') return parseJson(data);
  const frame =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (frame.length < PREFIX_BYTES || MAGIC.some((byte, i) => frame[i] !== byte))
    throw new WireError('not a Backflow frame');
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(4, true);
  if (headerLength > frame.length - PREFIX_BYTES) throw new WireError('truncated frame header');
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(
      frame.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength),
    );
  } catch {
    throw new WireError('frame header is not UTF-8');
  }
  const header = parseJson(headerText) as { value?: unknown; arrays?: unknown; numbers?: unknown };
  if (header === null || typeof header !== 'object' || !Array.isArray(header.arrays))
    throw new WireError('malformed frame header');
  const root = { value: header.value };
  // Every entry is checked before any byte is copied: in frame order, after the header, inside the
  // frame and not overlapping, so what is copied never exceeds the frame (no amplification).
  const entries = checkArrayEntries(header.arrays as unknown[], PREFIX_BYTES + headerLength, frame.length);
  for (const { path, Type, at, length, byteLength } of entries) {
    const bytes = frame.slice(at, at + byteLength); // a copy: aligned, and independent of the frame
    if (!LITTLE_ENDIAN) swapBytes(bytes, 0, byteLength, Type.BYTES_PER_ELEMENT);
    setAt(root, path, new Type(bytes.buffer, 0, length));
  }
  for (const entry of Array.isArray(header.numbers) ? (header.numbers as unknown[]) : []) {
    const [path, text] = Array.isArray(entry) ? entry : [];
    const number = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }[String(text)];
    if (number === undefined) throw new WireError('malformed number entry');
    setAt(root, path, number);
  }
  return root.value;
}

interface ArrayEntry {
  path: unknown;
  Type: (typeof KINDS)[Kind];
  at: number;
  length: number;
  byteLength: number;
}

/**
 * Reads the header's array entries and refuses, before anything is copied,
 * one that is malformed, starts inside the header, reaches past the frame's
 * end, or overlaps the one before it (entries come in frame order, as the
 * encoder writes them). The arrays' bytes therefore add up to at most the
 * frame's length.
 */
function checkArrayEntries(list: unknown[], payloadStart: number, frameLength: number): ArrayEntry[] {
  const entries: ArrayEntry[] = [];
  let end = payloadStart;
  for (const [index, entry] of list.entries()) {
    const where = `array entry ${index}`;
    if (!Array.isArray(entry) || entry.length !== 4) throw new WireError(`malformed ${where}`);
    const [path, kind, at, length] = entry as [unknown, unknown, unknown, unknown];
    if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind))
      throw new WireError(`unknown array kind in ${where}`);
    const Type = KINDS[kind as Kind];
    if (!isIndex(at) || !isIndex(length) || at % ALIGN !== 0) throw new WireError(`malformed ${where}`);
    const byteLength = length * Type.BYTES_PER_ELEMENT;
    if (at + byteLength > frameLength)
      throw new WireError(
        `${where} reaches past the frame's end (${at + byteLength} > ${frameLength} bytes)`,
      );
    if (at < end)
      throw new WireError(
        `${where} overlaps ${index === 0 ? 'the header' : 'the array before it'} (starts at byte ${at}, before ${end})`,
      );
    end = at + byteLength;
    entries.push({ path, Type, at, length, byteLength });
  }
  return entries;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new WireError('a text frame must be JSON');
  }
}

/** Puts `value` where the encoder left a null; refuses any other place (and prototype keys). */
function setAt(root: { value: unknown }, path: unknown, value: unknown): void {
  if (!Array.isArray(path) || path.length > MAX_DEPTH) throw new WireError('malformed path');
  const full: unknown[] = ['value', ...path];
  let parent: unknown = root;
  for (let i = 0; i < full.length - 1; i++) {
    parent = step(parent, full[i]);
    if (parent === null || typeof parent !== 'object') throw new WireError('path leads nowhere');
  }
  const key = full[full.length - 1];
  if (step(parent, key) !== null) throw new WireError('path does not point at a placeholder');
  (parent as Record<string | number, unknown>)[key as string | number] = value;
}

function step(parent: unknown, key: unknown): unknown {
  const container = parent as Record<string | number, unknown>;
  if (Array.isArray(parent) ? isIndex(key) && key < parent.length : typeof key === 'string') {
    if (typeof key === 'string' && (FORBIDDEN_KEYS.has(key) || !Object.hasOwn(container, key)))
      throw new WireError('malformed path');
    return container[key as string | number];
  }
  throw new WireError('malformed path');
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2 ** 31;
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** Big-endian hosts only: the wire is little-endian. */
function swapBytes(bytes: Uint8Array, from: number, length: number, width: number): void {
  if (width === 1) return;
  for (let i = from; i < from + length; i += width) bytes.subarray(i, i + width).reverse();
}
