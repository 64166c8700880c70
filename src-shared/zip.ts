/**
 * A minimal ZIP writer: files stored uncompressed (method 0) with their
 * CRC-32, UTF-8 names, no ZIP64. Enough to hand an export's few files to the
 * user as one download; every unzip tool, OS and Python's zipfile reads it.
 * Weights compress poorly anyway, so storing costs little.
 */

/** One file in the archive. */
export interface ZipEntry {
  name: string;
  bytes: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32 (IEEE 802.3, as ZIP and PNG use it) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;
const UTF8_NAMES = 0x0800;
/** Without ZIP64, sizes and offsets are 32-bit and the entry count 16-bit. */
const MAX_SIZE = 0xffffffff;
const MAX_ENTRIES = 0xffff;

/** The archive of `entries`, stamped with `date` (local time, two-second resolution as in DOS). */
export function createZip(entries: readonly ZipEntry[], date: Date = new Date()): Uint8Array {
  if (entries.length > MAX_ENTRIES) throw new Error(`a zip holds at most ${MAX_ENTRIES} files`);
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  const day =
    ((Math.max(date.getFullYear(), 1980) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  const encoder = new TextEncoder();
  const files = entries.map((entry) => ({
    name: encoder.encode(entry.name),
    bytes: entry.bytes,
    crc: crc32(entry.bytes),
    offset: 0,
  }));
  const dataSize = files.reduce((n, f) => n + LOCAL_HEADER + f.name.length + f.bytes.length, 0);
  const directorySize = files.reduce((n, f) => n + CENTRAL_HEADER + f.name.length, 0);
  if (dataSize + directorySize > MAX_SIZE) throw new Error('the files are too large for a zip without ZIP64');

  const out = new Uint8Array(dataSize + directorySize + END_RECORD);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (value: number) => (view.setUint16(at, value, true), (at += 2));
  const u32 = (value: number) => (view.setUint32(at, value >>> 0, true), (at += 4));
  const bytes = (value: Uint8Array) => (out.set(value, at), (at += value.length));
  // Shared by the local and central headers: version needed, flags, method, time, date, crc, sizes, name length.
  const common = (f: (typeof files)[number]) => {
    u16(10);
    u16(UTF8_NAMES);
    u16(0);
    u16(time);
    u16(day);
    u32(f.crc);
    u32(f.bytes.length);
    u32(f.bytes.length);
    u16(f.name.length);
  };

  for (const f of files) {
    f.offset = at;
    u32(0x04034b50);
    common(f);
    u16(0); // extra field length
    bytes(f.name);
    bytes(f.bytes);
  }
  const directoryStart = at;
  for (const f of files) {
    u32(0x02014b50);
    u16(20); // made by: version 2.0
    common(f);
    u16(0); // extra field length
    u16(0); // comment length
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(f.offset);
    bytes(f.name);
  }
  u32(0x06054b50);
  u16(0);
  u16(0);
  u16(files.length);
  u16(files.length);
  u32(directorySize);
  u32(directoryStart);
  u16(0); // comment length
  return out;
}
