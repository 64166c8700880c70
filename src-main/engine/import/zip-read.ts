/**
 * Reading a ZIP archive (a Keras `.keras` file) from its central directory:
 * stored and deflated members, no ZIP64, no encryption. Sizes are checked
 * against the archive and a cap before anything is inflated, so a crafted
 * file cannot make the engine allocate without bound.
 */
import { inflateRawSync } from 'node:zlib';

/** One member of the archive, its bytes read on demand. */
export interface ZipMember {
  name: string;
  size: number;
  read(): Uint8Array;
}

const END_RECORD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The members of the archive in `bytes`, by name; throws a plain message when it is not a readable ZIP. */
export function readZip(bytes: Uint8Array, maxMemberBytes: number): Map<string, ZipMember> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  // The end record sits in the last 22 bytes plus a comment of at most 65535.
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END_RECORD) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error('it is not a ZIP archive (no end of central directory)');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const members = new Map<string, ZipMember>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) {
      throw new Error('its central directory is damaged');
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const packed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
    if (flags & 1) throw new Error(`member "${name}" is encrypted`);
    if (method !== 0 && method !== 8) throw new Error(`member "${name}" uses compression method ${method}`);
    members.set(name, {
      name,
      size,
      read: () => {
        if (size > maxMemberBytes) {
          throw new Error(`member "${name}" is ${size} bytes, more than the ${maxMemberBytes} allowed`);
        }
        if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL) {
          throw new Error(`member "${name}" has no local header`);
        }
        const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
        if (start + packed > bytes.length) throw new Error(`member "${name}" runs past the end of the file`);
        const data = bytes.subarray(start, start + packed);
        const out = method === 0 ? data : inflateRawSync(data, { maxOutputLength: Math.max(size, 1) });
        if (out.length !== size) throw new Error(`member "${name}" is not the size the directory says`);
        return new Uint8Array(out);
      },
    });
  }
  return members;
}
