/**
 * The protobuf encoder writes the bytes the reference implementation writes:
 * the expected hex strings are what onnx 1.12's Python `helper` /
 * `numpy_helper` serialize (`.SerializeToString().hex()`) for the same
 * messages, plus the varint and string examples of the protobuf encoding
 * guide (protobuf.dev/programming-guides/encoding).
 */
import { describe, expect, it } from 'vitest';
import {
  encodeAttribute,
  encodeModel,
  encodeNode,
  encodeTensor,
  encodeValueInfo,
  ProtoWriter,
} from './onnx-proto';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ProtoWriter', () => {
  it('encodes varints, negative int64s, strings and floats as protobuf does', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('089601');
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().int(3, -1).finish())).toBe('18ffffffffffffffffff01');
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('150000803f');
    expect(hex(new ProtoWriter().int(20, 1).finish())).toBe('a00101');
  });

  it('refuses a non-integer where an integer field is written', () => {
    expect(() => new ProtoWriter().int(3, 0.5)).toThrow('protobuf field 3: 0.5 is not an integer');
  });
});

describe('ONNX messages', () => {
  it('encodes attributes of each type like onnx.helper.make_attribute', () => {
    expect(hex(encodeAttribute('alpha', { float: 0.5 }).finish())).toBe('0a05616c706861150000003fa00101');
    expect(hex(encodeAttribute('axis', -1).finish())).toBe('0a046178697318ffffffffffffffffff01a00102');
    expect(hex(encodeAttribute('perm', [0, 3, 1, 2]).finish())).toBe('0a047065726d4000400340014002a00107');
    expect(hex(encodeAttribute('mode', 'x').finish())).toBe('0a046d6f6465220178a00103');
  });

  it('encodes float and int64 tensors like onnx.numpy_helper.from_array', () => {
    const float = encodeTensor({ name: 'w', dims: [2], data: Float32Array.of(1, -2) });
    expect(hex(float.finish())).toBe('080210014201774a080000803f000000c0');
    const int64 = encodeTensor({ name: 's', dims: [2], data: BigInt64Array.of(0n, -1n) });
    expect(hex(int64.finish())).toBe('080210074201734a100000000000000000ffffffffffffffff');
  });

  it('refuses a tensor whose values do not fill its dims, naming it', () => {
    expect(() => encodeTensor({ name: 'd/kernel', dims: [2, 2], data: new Float32Array(3) })).toThrow(
      'tensor "d/kernel": 3 values for dims [2, 2]',
    );
  });

  it('encodes a node, a value info and a whole model like onnx.helper', () => {
    const node = {
      name: 'y',
      opType: 'LeakyRelu',
      inputs: ['x'],
      outputs: ['y'],
      attributes: { alpha: { float: 0.5 } },
    };
    expect(hex(encodeNode(node).finish())).toBe(
      '0a01781201791a017922094c65616b7952656c752a0f0a05616c706861150000003fa00101',
    );
    expect(hex(encodeValueInfo({ name: 'x', dims: ['batch', 3] }).finish())).toBe(
      '0a017812130a110801120d0a07120562617463680a020803',
    );
    const model = encodeModel({
      irVersion: 8,
      opset: 17,
      producerName: 'p',
      producerVersion: '1',
      graph: {
        name: 'g',
        nodes: [node],
        initializers: [],
        inputs: [{ name: 'x', dims: ['batch', 3] }],
        outputs: [{ name: 'y', dims: ['batch', 3] }],
      },
    });
    // helper.make_model(graph, opset_imports=[make_opsetid('', 17)], ir_version=8, producer_name='p', producer_version='1')
    expect(hex(model)).toBe(
      '08081201701a01313a5e0a250a01781201791a017922094c65616b7952656c752a0f0a05616c706861150000003fa00101' +
        '1201675a180a017812130a110801120d0a07120562617463680a02080362180a017912130a110801120d0a07120562617463680a020803' +
        '42040a001011',
    );
  });
});
