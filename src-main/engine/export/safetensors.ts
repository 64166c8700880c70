/**
 * The safetensors format (Hugging Face), written and read in plain
 * TypeScript: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw little-endian
 * data. Chosen over `.npz` because it needs no zip container, PyTorch loads
 * it with `safetensors.torch.load_file` (or the twenty lines of Python the
 * exported module carries), and a hostile file cannot make the reader
 * allocate beyond its own size.
 */

/** The dtypes Backflow writes: float32 weights and int64 counters (BatchNorm's num_batches_tracked). */
export type SafetensorsDtype = 'F32' | 'I64';

/** One named tensor. */
export interface SafeTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
  /** F32: the values. I64: the values as numbers (exact below 2^53). */
  data: Float32Array | readonly number[];
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, I64: 8 };

/** Encodes tensors (in the given order) and optional string metadata. */
export function encodeSafetensors(
  tensors: readonly SafeTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) {
      if (t.dtype === 'F32') view.setFloat32(at + 4 * i, t.data[i], true);
      else view.setBigInt64(at + 8 * i, BigInt(t.data[i]), true);
    }
    at += t.data.length * BYTES[t.dtype];
  }
  return out;
}

/** A decoded file: tensors in file order, and the metadata. */
export interface DecodedSafetensors {
  tensors: SafeTensor[];
  metadata: Record<string, string>;
}

/** Decodes a safetensors file; throws a plain message when it is malformed (it may come from anywhere). */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its header length');
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new Error('not a safetensors file: header runs past the end');
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch {
    throw new Error('not a safetensors file: its header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new Error('not a safetensors file: its header is not a JSON object');
  }
  const dataStart = 8 + headerLength;
  const entries: (SafeTensor & { begin: number })[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, begin, end } = tensorInfo(name, info);
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(
      Number.isSafeInteger(count) &&
      end === begin + count * BYTES[dtype] &&
      dataStart + end <= bytes.length
    )) {
      throw new Error(`tensor "${name}": its byte range does not match its shape or the file`);
    }
    const data =
      dtype === 'F32'
        ? Float32Array.from({ length: count }, (_, i) => view.getFloat32(dataStart + begin + 4 * i, true))
        : Array.from({ length: count }, (_, i) => Number(view.getBigInt64(dataStart + begin + 8 * i, true)));
    entries.push({ name, dtype, shape, data, begin });
  }
  entries.sort((a, b) => a.begin - b.begin);
  const tensors = entries.map(({ name, dtype, shape, data }) => ({ name, dtype, shape, data }));
  return { tensors, metadata: metadataOf((header as Record<string, unknown>).__metadata__) };
}

/** One header entry, checked: a known dtype, a shape of whole numbers, two whole byte offsets. */
function tensorInfo(
  name: string,
  info: unknown,
): { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  const record = (info ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const whole = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (typeof record.dtype !== 'string' || !Object.hasOwn(BYTES, record.dtype)) {
    throw new Error(`tensor "${name}": dtype ${String(record.dtype).slice(0, 20)} is not supported`);
  }
  const shape = record.shape;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every(whole)) {
    throw new Error(`tensor "${name}": its shape is not a list of whole numbers`);
  }
  const offsets = record.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(whole)) {
    throw new Error(`tensor "${name}": its data_offsets are not two whole numbers`);
  }
  return { dtype: record.dtype as SafetensorsDtype, shape, begin: offsets[0], end: offsets[1] };
}

/** The string-to-string metadata; anything else in it is informative at best and dropped. */
function metadataOf(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
}
