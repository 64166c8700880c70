/**
 * A minimal Protocol Buffers reader for the parts of an ONNX ModelProto an
 * import needs: the opset, metadata, and the graph's nodes, attributes,
 * initializers (and Constant nodes' tensors), inputs and outputs. Field
 * numbers are onnx.proto's, as in export/onnx-proto.ts, its writer. Unknown
 * fields are skipped by wire type, as protobuf requires; repeated numbers are
 * read packed or unpacked. Tensors stored outside the file (external data)
 * are refused by name.
 */

/** A tensor: float32 values (weights) or integers (shapes, axes), with its dims. */
export interface OnnxTensorValue {
  name: string;
  dims: number[];
  /** TensorProto.DataType: 1 float, 6 int32, 7 int64, 11 double… */
  dataType: number;
  floats?: Float32Array;
  ints?: number[];
}

/** An attribute: whichever of its fields the file set. */
export interface OnnxAttribute {
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensorValue;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNodeValue {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

/** A graph input or output: its name and dims (sizes, symbolic names, or null when unknown). */
export interface OnnxValueInfoValue {
  name: string;
  dims: (number | string | null)[];
}

export interface OnnxModelValue {
  opset: number;
  producer: string;
  metadata: Map<string, string>;
  nodes: OnnxNodeValue[];
  initializers: Map<string, OnnxTensorValue>;
  inputs: OnnxValueInfoValue[];
  outputs: OnnxValueInfoValue[];
}

/** One protobuf message's fields, read lazily in order. */
class Reader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(why: string): never {
    throw new Error(`the protobuf data is damaged (${why} at byte ${this.at})`);
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.at >= this.bytes.length) this.fail('a number runs past the end');
      const b = this.bytes[this.at++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
    }
    return this.fail('a number is too long');
  }

  /** The fields as [number, wire type, value]: a bigint (varint), bytes (length-delimited), or a float/double. */
  *fields(): Generator<[number, number, bigint | Uint8Array | number]> {
    while (this.at < this.bytes.length) {
      const key = Number(this.varint());
      const field = key >>> 3;
      const wire = key & 7;
      if (wire === 0) yield [field, wire, this.varint()];
      else if (wire === 2) {
        const length = Number(this.varint());
        if (this.at + length > this.bytes.length) this.fail('a field runs past the end');
        yield [field, wire, this.bytes.subarray(this.at, (this.at += length))];
      } else if (wire === 5) {
        if (this.at + 4 > this.bytes.length) this.fail('a float runs past the end');
        yield [field, wire, this.view.getFloat32((this.at += 4) - 4, true)];
      } else if (wire === 1) {
        if (this.at + 8 > this.bytes.length) this.fail('a double runs past the end');
        yield [field, wire, this.view.getFloat64((this.at += 8) - 8, true)];
      } else this.fail(`wire type ${wire}`);
    }
  }
}

const text = (value: unknown) => new TextDecoder().decode(value as Uint8Array);
/** A signed int64 from a varint (two's complement). */
const int = (value: unknown) => Number(BigInt.asIntN(64, value as bigint));

/** Integers of a repeated field, packed (bytes) or one per tag. */
function pushInts(out: number[], value: bigint | Uint8Array | number): void {
  if (value instanceof Uint8Array)
    for (const [, , v] of new Reader(packedVarints(value)).fields()) out.push(int(v));
  else out.push(int(value));
}

/** Packed varints re-tagged as field 1 so Reader can walk them. */
function packedVarints(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const b of bytes) {
    if (start) out.push(0x08);
    out.push(b);
    start = !(b & 0x80);
  }
  return Uint8Array.from(out);
}

function pushFloats(out: number[], value: bigint | Uint8Array | number): void {
  if (value instanceof Uint8Array) {
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    for (let i = 0; i + 4 <= value.length; i += 4) out.push(view.getFloat32(i, true));
  } else out.push(value as number);
}

/** TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, double_data 10, data_location 14. */
function readTensor(bytes: Uint8Array): OnnxTensorValue {
  const dims: number[] = [];
  const floats: number[] = [];
  const ints: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | undefined;
  let external = false;
  for (const [field, , value] of new Reader(bytes).fields()) {
    if (field === 1) pushInts(dims, value);
    else if (field === 2) dataType = int(value);
    else if (field === 4) pushFloats(floats, value);
    else if (field === 5 || field === 7) pushInts(ints, value);
    else if (field === 8) name = text(value);
    else if (field === 9) raw = value as Uint8Array;
    else if (field === 10) {
      if (value instanceof Uint8Array) {
        const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
        for (let i = 0; i + 8 <= value.length; i += 8) floats.push(view.getFloat64(i, true));
      } else floats.push(value as number);
    } else if (field === 14) external = int(value) === 1;
  }
  if (external)
    throw new Error(
      `tensor "${name}" keeps its data in an external file; save the model with its weights inside`,
    );
  const size = dims.reduce((a, b) => a * b, 1);
  const tensor: OnnxTensorValue = { name, dims, dataType };
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = { 1: 4, 6: 4, 7: 8, 11: 8 }[dataType];
    if (!width)
      throw new Error(
        `tensor "${name}" has data type ${dataType}; Backflow reads float, double, int32 and int64`,
      );
    if (raw.length !== size * width)
      throw new Error(`tensor "${name}" has ${raw.length} bytes for dims [${dims.join(', ')}]`);
    const read = (i: number) =>
      dataType === 1
        ? view.getFloat32(i * 4, true)
        : dataType === 11
          ? view.getFloat64(i * 8, true)
          : dataType === 6
            ? view.getInt32(i * 4, true)
            : Number(view.getBigInt64(i * 8, true));
    if (dataType === 1) {
      // Weights: straight into a Float32Array, no intermediate list of numbers.
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = view.getFloat32(i * 4, true);
      tensor.floats = out;
    } else {
      const values = Array.from({ length: size }, (_, i) => read(i));
      if (dataType === 11) tensor.floats = Float32Array.from(values);
      else tensor.ints = values;
    }
  } else if (floats.length) tensor.floats = Float32Array.from(floats);
  else tensor.ints = ints;
  const count = tensor.floats?.length ?? tensor.ints!.length;
  if (count !== size) throw new Error(`tensor "${name}" has ${count} values for dims [${dims.join(', ')}]`);
  return tensor;
}

/** AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8. */
function readAttribute(bytes: Uint8Array): [string, OnnxAttribute] {
  let name = '';
  const attribute: OnnxAttribute = {};
  const floats: number[] = [];
  const ints: number[] = [];
  for (const [field, , value] of new Reader(bytes).fields()) {
    if (field === 1) name = text(value);
    else if (field === 2) attribute.f = value as number;
    else if (field === 3) attribute.i = int(value);
    else if (field === 4) attribute.s = text(value);
    else if (field === 5) attribute.t = readTensor(value as Uint8Array);
    else if (field === 7) pushFloats(floats, value);
    else if (field === 8) pushInts(ints, value);
  }
  if (floats.length) attribute.floats = floats;
  if (ints.length) attribute.ints = ints;
  return [name, attribute];
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7. */
function readNode(bytes: Uint8Array): OnnxNodeValue {
  const node: OnnxNodeValue = {
    name: '',
    opType: '',
    domain: '',
    inputs: [],
    outputs: [],
    attributes: new Map(),
  };
  for (const [field, , value] of new Reader(bytes).fields()) {
    if (field === 1) node.inputs.push(text(value));
    else if (field === 2) node.outputs.push(text(value));
    else if (field === 3) node.name = text(value);
    else if (field === 4) node.opType = text(value);
    else if (field === 5) node.attributes.set(...readAttribute(value as Uint8Array));
    else if (field === 7) node.domain = text(value);
  }
  return node;
}

/** ValueInfoProto (name 1, type 2) → TypeProto (tensor_type 1) → (shape 2) → dim 1 → (dim_value 1 | dim_param 2). */
function readValueInfo(bytes: Uint8Array): OnnxValueInfoValue {
  const info: OnnxValueInfoValue = { name: '', dims: [] };
  for (const [field, , value] of new Reader(bytes).fields()) {
    if (field === 1) info.name = text(value);
    if (field !== 2) continue;
    for (const [f1, , tensorType] of new Reader(value as Uint8Array).fields()) {
      if (f1 !== 1) continue;
      for (const [f2, , shape] of new Reader(tensorType as Uint8Array).fields()) {
        if (f2 !== 2) continue;
        for (const [f3, , dim] of new Reader(shape as Uint8Array).fields()) {
          if (f3 !== 1) continue;
          let size: number | string | null = null;
          for (const [f4, , v] of new Reader(dim as Uint8Array).fields()) {
            if (f4 === 1) size = int(v);
            else if (f4 === 2) size = text(v);
          }
          info.dims.push(size);
        }
      }
    }
  }
  return info;
}

/** Reads an ONNX model file; throws a plain message when the bytes are not one. */
export function readOnnxModel(bytes: Uint8Array): OnnxModelValue {
  const model: OnnxModelValue = {
    opset: 0,
    producer: '',
    metadata: new Map(),
    nodes: [],
    initializers: new Map(),
    inputs: [],
    outputs: [],
  };
  let graph: Uint8Array | undefined;
  for (const [field, , value] of new Reader(bytes).fields()) {
    if (field === 2) model.producer = text(value);
    else if (field === 7) graph = value as Uint8Array;
    else if (field === 8) {
      let domain = '';
      let version = 0;
      for (const [f, , v] of new Reader(value as Uint8Array).fields()) {
        if (f === 1) domain = text(v);
        else if (f === 2) version = int(v);
      }
      if (domain === '' || domain === 'ai.onnx') model.opset = version;
    } else if (field === 14) {
      let key = '';
      let entry = '';
      for (const [f, , v] of new Reader(value as Uint8Array).fields()) {
        if (f === 1) key = text(v);
        else if (f === 2) entry = text(v);
      }
      model.metadata.set(key, entry);
    }
  }
  if (!graph) throw new Error('it is not an ONNX model (no graph)');
  for (const [field, , value] of new Reader(graph).fields()) {
    if (field === 1) model.nodes.push(readNode(value as Uint8Array));
    else if (field === 5) {
      const tensor = readTensor(value as Uint8Array);
      model.initializers.set(tensor.name, tensor);
    } else if (field === 11) model.inputs.push(readValueInfo(value as Uint8Array));
    else if (field === 12) model.outputs.push(readValueInfo(value as Uint8Array));
  }
  // Older exporters list initializers among the inputs too: those are weights, not data.
  model.inputs = model.inputs.filter((i) => !model.initializers.has(i.name));
  return model;
}
