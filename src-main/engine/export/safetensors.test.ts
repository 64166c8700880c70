/**
 * The safetensors codec: a round trip keeps names, order, shapes and exact
 * values; a hostile file (uploaded weights come from anywhere) is refused
 * with a message, never read out of bounds or allowed to allocate beyond
 * its own size.
 */
import { describe, expect, it } from 'vitest';
import { decodeWeightValues, encodeWeightValues } from '../import/weight-file';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

/** A file with `header` as its JSON header and `data` bytes after it. */
function fileWith(header: string, data = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

describe('safetensors', () => {
  it('round-trips tensors in order, with metadata', () => {
    const encoded = encodeSafetensors(
      [
        { name: 'b/kernel', dtype: 'F32', shape: [2, 2], data: Float32Array.of(1.5, -2, 0.1, 3e-8) },
        { name: 'a/count', dtype: 'I64', shape: [], data: [7] },
      ],
      { format: 'test' },
    );
    const decoded = decodeSafetensors(encoded);
    expect(decoded.metadata).toEqual({ format: 'test' });
    expect(decoded.tensors.map((t) => [t.name, t.dtype, t.shape, Array.from(t.data)])).toEqual([
      ['b/kernel', 'F32', [2, 2], Array.from(Float32Array.of(1.5, -2, 0.1, 3e-8))],
      ['a/count', 'I64', [], [7]],
    ]);
  });

  const hostile: [string, Uint8Array, string][] = [
    ['too short', new Uint8Array(3), 'shorter than its header length'],
    ['a header past the end', fileWith('{}').subarray(0, 9), 'header runs past the end'],
    ['a header that is not JSON', fileWith('{"a":'), 'its header is not JSON'],
    ['a header that is an array', fileWith('[]'), 'its header is not a JSON object'],
    ['an unknown dtype', fileWith('{"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}'), 'dtype F16'],
    [
      'a prototype dtype',
      fileWith('{"w":{"dtype":"toString","shape":[1],"data_offsets":[0,4]}}'),
      'dtype toString is not supported',
    ],
    [
      'a fractional shape',
      fileWith('{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}'),
      'its shape is not a list of whole numbers',
    ],
    ['a null entry', fileWith('{"w":null}'), 'dtype undefined is not supported'],
    [
      'offsets that disagree with the shape',
      fileWith('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', new Uint8Array(8)),
      'byte range does not match',
    ],
    [
      'a huge shape in a small file',
      fileWith('{"w":{"dtype":"F32","shape":[1000000,1000000],"data_offsets":[0,4000000000000]}}'),
      'byte range does not match',
    ],
    [
      'offsets given as text',
      fileWith('{"w":{"dtype":"F32","shape":[1],"data_offsets":["0","4"]}}'),
      'data_offsets are not two whole numbers',
    ],
  ];
  for (const [label, bytes, message] of hostile) {
    it(`refuses ${label}`, () => {
      expect(() => decodeSafetensors(bytes)).toThrow(message);
    });
  }

  it('keeps a "__proto__" tensor as a plain name and pollutes nothing', () => {
    const bytes = fileWith(
      '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"__proto__":"x","n":1}}',
      new Uint8Array(4),
    );
    const decoded = decodeSafetensors(bytes);
    expect(decoded.tensors.map((t) => t.name)).toEqual(['__proto__']);
    expect(Object.keys(decoded.metadata)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });
});

describe('weight values', () => {
  it('round-trip through bytes', () => {
    const weights = new Map([['d1/kernel', { shape: [1, 2], values: Float32Array.of(0.25, -1) }]]);
    const back = decodeWeightValues(encodeWeightValues(weights));
    expect([...back].map(([n, w]) => [n, w.shape, Array.from(w.values)])).toEqual([
      ['d1/kernel', [1, 2], [0.25, -1]],
    ]);
  });

  it('refuse a tensor that is not float32, by name', () => {
    const bytes = encodeSafetensors([{ name: 'bn/count', dtype: 'I64', shape: [], data: [1] }]);
    expect(() => decodeWeightValues(bytes)).toThrow('tensor "bn/count" is I64; weights are float32 (F32)');
  });
});
