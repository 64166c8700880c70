/**
 * A minimal Protocol Buffers encoder for the ONNX messages the exporter
 * writes (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto and what they contain). Field numbers are onnx.proto's
 * (github.com/onnx/onnx, onnx/onnx.proto). A full protobuf runtime would be a
 * dependency for ~150 lines of encoding: only three wire types occur here,
 * varint (0), length-delimited (2) and fixed32 (5, a float attribute).
 *
 * onnx.proto is proto2, so repeated numbers are written unpacked (one tag per
 * value), which every parser accepts; tensor contents go in `raw_data`,
 * little-endian, as ONNX Runtime and the checker expect.
 */

/** ONNX TensorProto.DataType values used here. */
export const ONNX_DTYPE = { float: 1, int64: 7 } as const;

/** AttributeProto.AttributeType values used here. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

/** Accumulates one message's bytes; fields are appended in the order written. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /**
   * A varint: 7 bits per byte, low bits first, high bit set on all but the
   * last. Negative int64s are their 64-bit two's complement (10 bytes), as
   * protobuf encodes `int64 -1`.
   */
  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: 0 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  /** An int32/int64/enum field (wire type 0); must be an integer. */
  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new Error(`protobuf field ${field}: ${value} is not an integer`);
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  /** A repeated integer field, one tag per value (proto2's unpacked form). */
  ints(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  /** A float field (wire type 5, IEEE 754 single, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  /** A bytes field (wire type 2). */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  /** A string field, UTF-8 (wire type 2). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field (wire type 2). */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

/**
 * A node attribute's value: a number is an INT (and must be an integer), `{ float }`
 * a FLOAT, a string a STRING, a number array INTS, `{ floats }` FLOATS.
 */
export type AttributeValue = number | { float: number } | string | readonly number[] | { floats: number[] };

/** An initializer: a float32 or int64 tensor. */
export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** One operator application. */
export interface OnnxNode {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A graph input or output: a float tensor whose dims are sizes or symbolic names. */
export interface OnnxValueInfo {
  name: string;
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
  graph: OnnxGraph;
}

/** AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8, type 20. */
export function encodeAttribute(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return w.string(4, value).int(20, ATTRIBUTE_TYPE.string);
  if (typeof value === 'number') return w.int(3, value).int(20, ATTRIBUTE_TYPE.int);
  if ('float' in value) return w.float(2, value.float).int(20, ATTRIBUTE_TYPE.float);
  if ('floats' in value) {
    for (const f of value.floats) w.float(7, f);
    return w.int(20, ATTRIBUTE_TYPE.floats);
  }
  return w.ints(8, value as readonly number[]).int(20, ATTRIBUTE_TYPE.ints);
}

/** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian). */
export function encodeTensor(tensor: OnnxTensor): ProtoWriter {
  const { data } = tensor;
  const size = tensor.dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new Error(`tensor "${tensor.name}": ${data.length} values for dims [${tensor.dims.join(', ')}]`);
  }
  const raw = new Uint8Array(data.byteLength);
  const view = new DataView(raw.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return new ProtoWriter()
    .ints(1, tensor.dims)
    .int(2, data instanceof Float32Array ? ONNX_DTYPE.float : ONNX_DTYPE.int64)
    .string(8, tensor.name)
    .bytes(9, raw);
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
export function encodeNode(node: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  w.string(3, node.name).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {}))
    w.message(5, encodeAttribute(name, value));
  return w;
}

/**
 * ValueInfoProto (name 1, type 2) → TypeProto (tensor_type 1) → Tensor
 * (elem_type 1, shape 2) → TensorShapeProto (dim 1) → Dimension (dim_value 1
 * or dim_param 2).
 */
export function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of info.dims) {
    shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  }
  const tensorType = new ProtoWriter().int(1, ONNX_DTYPE.float).message(2, shape);
  return new ProtoWriter().string(1, info.name).message(2, new ProtoWriter().message(1, tensorType));
}

/** GraphProto: node 1, name 2, initializer 5, input 11, output 12. */
export function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of graph.nodes) w.message(1, encodeNode(n));
  w.string(2, graph.name);
  for (const t of graph.initializers) w.message(5, encodeTensor(t));
  for (const i of graph.inputs) w.message(11, encodeValueInfo(i));
  for (const o of graph.outputs) w.message(12, encodeValueInfo(o));
  return w;
}

/**
 * ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6,
 * graph 7, opset_import 8 (OperatorSetIdProto: domain 1 = "" for the default
 * ONNX domain, version 2), metadata_props 14 (key 1, value 2).
 */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter()
    .int(1, model.irVersion)
    .string(2, model.producerName)
    .string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, encodeGraph(model.graph));
  w.message(8, new ProtoWriter().string(1, '').int(2, model.opset));
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.message(14, new ProtoWriter().string(1, key).string(2, value));
  }
  return w.finish();
}
