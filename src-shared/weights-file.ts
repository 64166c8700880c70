/**
 * A design's pretrained weights travel beside it as a file of their own:
 * `foo.backflow.json` has `foo.weights.safetensors` (safetensors keyed
 * `nodeId/role`, the keys of the engine's initial weights). The CLI's
 * `import` writes it, `train` and `export` read it, the app saves and opens
 * it with the design. Kept apart from the design JSON so the design stays
 * small, diffable text and the weights stay exact binary floats.
 */

/** What ends the weights file's name. */
export const WEIGHTS_FILE_SUFFIX = '.weights.safetensors';

/**
 * Largest weights file accepted anywhere (upload, IPC, disk): 16 M float32
 * parameters, far beyond the CPU-sized networks Backflow trains.
 */
export const MAX_WEIGHTS_BYTES = 64 * 1024 * 1024;

/** The weights file beside a design file: `dir/foo.backflow.json` → `dir/foo.weights.safetensors`. */
export function weightsPathFor(designPath: string): string {
  return `${designPath.replace(/(\.backflow)?\.json$/i, '')}${WEIGHTS_FILE_SUFFIX}`;
}

/**
 * The metadata entry in which a weights file saved by the app records the
 * SHA-256 (hex) of the design text saved with it. The two files are written
 * one after the other, so a crash between the writes can leave a new weights
 * file beside an old design; whoever opens the pair compares the hash and
 * refuses to use weights that belong to another version of the design.
 */
export const DESIGN_HASH_KEY = 'backflow.designSha256';

/** The safetensors header of `bytes`, or null when they are not safetensors. */
function headerOf(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } | null {
  if (bytes.byteLength < 8) return null;
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (length > bytes.byteLength - 8) return null;
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    if (header === null || typeof header !== 'object' || Array.isArray(header)) return null;
    return { header: header as Record<string, unknown>, dataStart: 8 + length };
  } catch {
    return null;
  }
}

/** The design hash a weights file records, or null (none recorded, e.g. `backflow import`'s older files). */
export function designHashIn(bytes: Uint8Array): string | null {
  const metadata = headerOf(bytes)?.header.__metadata__ as Record<string, unknown> | undefined;
  const hash = metadata?.[DESIGN_HASH_KEY];
  return typeof hash === 'string' ? hash : null;
}

/**
 * The same safetensors bytes with `hash` recorded as the design they belong
 * to. Tensor offsets are relative to the data, so only the header changes;
 * it is padded with spaces to keep the data 8-byte aligned. Bytes that are
 * not safetensors are returned unchanged (the reader refuses them anyway).
 */
export function withDesignHash(bytes: Uint8Array, hash: string): Uint8Array {
  const parsed = headerOf(bytes);
  if (!parsed) return bytes;
  const metadata = { ...((parsed.header.__metadata__ as Record<string, string> | undefined) ?? {}) };
  metadata[DESIGN_HASH_KEY] = hash;
  // Metadata first, as the reference writer puts it; the spread keeps that key's place.
  const header = { __metadata__: metadata, ...parsed.header };
  header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  json += ' '.repeat((8 - (encoder.encode(json).length % 8)) % 8);
  const encoded = encoder.encode(json);
  const out = new Uint8Array(8 + encoded.byteLength + bytes.byteLength - parsed.dataStart);
  new DataView(out.buffer).setBigUint64(0, BigInt(encoded.byteLength), true);
  out.set(encoded, 8);
  out.set(bytes.subarray(parsed.dataStart), 8 + encoded.byteLength);
  return out;
}
