/**
 * The design hash a weights file carries: recorded without touching a tensor,
 * read back, and the file still reads as the same tensors (checked with the
 * engine's own safetensors reader in src-main; here, byte for byte).
 */
import { describe, expect, it } from 'vitest';
import { designHashIn, withDesignHash } from './weights-file';

/** A minimal safetensors file: one F32 tensor [1, 2, 3], header padded to 8 bytes. */
function sample(metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {
    'd1/kernel': { dtype: 'F32', shape: [3], data_offsets: [0, 12] },
  };
  if (metadata) header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + 12);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(new Uint8Array(new Float32Array([1, 2, 3]).buffer), 8 + head.length);
  return out;
}

const tensorBytes = (bytes: Uint8Array) => {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return Array.from(new Float32Array(bytes.slice(8 + length).buffer));
};

describe('the design hash in a weights file', () => {
  it('is absent until recorded, then reads back; the tensor data is unchanged and 8-byte aligned', () => {
    const plain = sample({ backflow: 'keep me' });
    expect(designHashIn(plain)).toBeNull();
    const stamped = withDesignHash(plain, 'ab'.repeat(32));
    expect(designHashIn(stamped)).toBe('ab'.repeat(32));
    expect(tensorBytes(stamped)).toEqual([1, 2, 3]);
    const headerLength = Number(new DataView(stamped.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(stamped.subarray(8, 8 + headerLength)));
    expect(header.__metadata__).toEqual({ backflow: 'keep me', 'backflow.designSha256': 'ab'.repeat(32) });
    expect(header['d1/kernel']).toEqual({ dtype: 'F32', shape: [3], data_offsets: [0, 12] });
  });

  it('replaces an earlier hash and leaves bytes that are not safetensors alone', () => {
    const twice = withDesignHash(withDesignHash(sample(), 'old'), 'new');
    expect(designHashIn(twice)).toBe('new');
    const junk = new Uint8Array([1, 2, 3]);
    expect(withDesignHash(junk, 'x')).toBe(junk);
    expect(designHashIn(junk)).toBeNull();
  });
});
