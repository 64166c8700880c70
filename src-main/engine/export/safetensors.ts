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

/** Decodes a safetensors file; throws a plain message when it is malformed. */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its header length');
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new Error('not a safetensors file: header runs past the end');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const dataStart = 8 + headerLength;
  const tensors: SafeTensor[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const dtype = info.dtype as SafetensorsDtype;
    if (!(dtype in BYTES)) throw new Error(`tensor "${name}": dtype ${info.dtype} is not supported`);
    const [begin, end] = info.data_offsets;
    const count = info.shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end === begin + count * BYTES[dtype] && dataStart + end <= bytes.length)) {
      throw new Error(`tensor "${name}": its byte range does not match its shape or the file`);
    }
    const data =
      dtype === 'F32'
        ? Float32Array.from({ length: count }, (_, i) => view.getFloat32(dataStart + begin + 4 * i, true))
        : Array.from({ length: count }, (_, i) => Number(view.getBigInt64(dataStart + begin + 8 * i, true)));
    tensors.push({ name, dtype, shape: info.shape, data });
  }
  tensors.sort((a, b) => header[a.name].data_offsets[0] - header[b.name].data_offsets[0]);
  const metadata = (header.__metadata__ ?? {}) as unknown as Record<string, string>;
  return { tensors, metadata };
}
