/**
 * HDF5 files as plain trees, written and read with h5wasm (the HDF5 C library
 * compiled to WebAssembly), for Keras's `model.weights.h5` and Keras 2 `.h5`
 * models. h5wasm's Node build works on real paths, so bytes go through a
 * private temporary file. It is loaded on first use: most commands never
 * touch HDF5 and should not pay for its start-up.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as H5wasmModule from 'h5wasm/node';
import { MAX_WEIGHTS_BYTES } from '../../../src-shared/weights-file';

/** A float32 dataset: its shape and values in row-major order. */
export interface H5Dataset {
  kind: 'dataset';
  shape: readonly number[];
  values: Float32Array;
  attrs?: Record<string, H5AttrValue>;
}

/** A group: its members by name (in the order they are written) and its attributes. */
export interface H5Group {
  kind: 'group';
  members: Map<string, H5Node>;
  attrs?: Record<string, H5AttrValue>;
}

export type H5Node = H5Group | H5Dataset;

/** An attribute as read: strings, numbers or arrays of them (Keras 2 stores names as byte strings). */
export type H5AttrValue = string | number | bigint | boolean | readonly (string | number)[] | null;

type H5wasm = typeof H5wasmModule;
let loaded: Promise<H5wasm> | undefined;

async function h5wasm(): Promise<H5wasm['default']> {
  loaded ??= import('h5wasm/node');
  const module = await loaded;
  await module.default.ready;
  return module.default;
}

/** A new empty group. */
export function group(attrs?: Record<string, H5AttrValue>): H5Group {
  return { kind: 'group', members: new Map(), ...(attrs ? { attrs } : {}) };
}

/** The group at `path` under `root` (`a/b/c`), created with its parents when missing. */
export function groupAt(root: H5Group, path: string): H5Group {
  let at = root;
  for (const part of path.split('/').filter(Boolean)) {
    let next = at.members.get(part);
    if (!next) at.members.set(part, (next = group()));
    if (next.kind !== 'group') throw new Error(`${path}: "${part}" is a dataset, not a group`);
    at = next;
  }
  return at;
}

/** The HDF5 bytes of the tree under `root` (root attributes become the file's). */
export async function writeHdf5(root: H5Group): Promise<Uint8Array> {
  const h5 = await h5wasm();
  const dir = await mkdtemp(join(tmpdir(), 'backflow-h5-'));
  const path = join(dir, 'out.h5');
  try {
    const file = new h5.File(path, 'w');
    try {
      writeMembers(file, root);
    } finally {
      file.close();
    }
    return new Uint8Array(await readFile(path));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type WritableGroup = InstanceType<H5wasm['default']['Group']>;

function writeMembers(target: WritableGroup, source: H5Group): void {
  for (const [name, value] of Object.entries(source.attrs ?? {})) {
    if (value !== null) target.create_attribute(name, value as never);
  }
  for (const [name, node] of source.members) {
    if (node.kind === 'group') writeMembers(target.create_group(name), node);
    else {
      const dataset = target.create_dataset({
        name,
        data: node.values,
        shape: [...node.shape],
        dtype: '<f',
      });
      for (const [key, value] of Object.entries(node.attrs ?? {})) {
        if (value !== null) dataset.create_attribute(key, value as never);
      }
    }
  }
}

/**
 * The tree of an HDF5 file given as bytes. Datasets of any numeric type are
 * read as float32 (weights); anything else (strings, compound types) is
 * refused by path, as are links that lead outside the file.
 */
export async function readHdf5(bytes: Uint8Array): Promise<H5Group> {
  if (bytes.length < 8 || !isHdf5(bytes)) throw new Error('it is not an HDF5 file');
  const h5 = await h5wasm();
  const dir = await mkdtemp(join(tmpdir(), 'backflow-h5-'));
  const path = join(dir, 'in.h5');
  try {
    await writeFile(path, bytes, { mode: 0o600 });
    const file = new h5.File(path, 'r');
    try {
      return readGroup(h5, file, '', { left: MAX_WEIGHTS_BYTES });
    } finally {
      file.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** HDF5's signature, at offset 0 (a user block would move it; Keras files have none). */
function isHdf5(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((b, i) => bytes[i] === b);
}

function readAttrs(source: { attrs: Record<string, { value: unknown }> }): Record<string, H5AttrValue> {
  const attrs: Record<string, H5AttrValue> = {};
  for (const [name, attr] of Object.entries(source.attrs)) attrs[name] = attrValue(attr.value);
  return attrs;
}

function attrValue(value: unknown): H5AttrValue {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'number' ? v : String(v)));
  if (['string', 'number', 'bigint', 'boolean'].includes(typeof value)) return value as H5AttrValue;
  return null;
}

/** Deeper than any Keras file nests; a soft link back to a parent would otherwise recurse for ever. */
const MAX_DEPTH = 32;

function readGroup(
  h5: H5wasm['default'],
  source: WritableGroup,
  path: string,
  budget: { left: number },
  depth = 0,
): H5Group {
  if (depth > MAX_DEPTH) throw new Error(`${path} is nested more than ${MAX_DEPTH} groups deep`);
  const out = group(readAttrs(source as never));
  for (const name of source.keys()) {
    const where = `${path}/${name}`;
    const entity = source.get(name);
    if (entity instanceof h5.Group) out.members.set(name, readGroup(h5, entity, where, budget, depth + 1));
    else if (entity instanceof h5.Dataset) {
      const { type, size } = entity.metadata;
      // h5wasm's type codes: 0 integer, 1 float.
      if (type !== 0 && type !== 1) throw new Error(`${where} is not a numeric dataset`);
      if (size > 8) throw new Error(`${where} has ${size}-byte numbers`);
      // A dataset may declare a shape far larger than the file (its chunks never written): check first.
      const count = (entity.shape ?? []).reduce((a, b) => a * b, 1);
      budget.left -= count * size;
      if (budget.left < 0) {
        throw new Error(
          `${where} declares ${count} values, past the ${MAX_WEIGHTS_BYTES >> 20} MB a model may hold`,
        );
      }
      const raw = entity.value as ArrayLike<number | bigint> | number | bigint | null;
      const list = raw === null ? [] : typeof raw === 'object' ? Array.from(raw) : [raw];
      out.members.set(name, {
        kind: 'dataset',
        shape: entity.shape ?? [],
        values: Float32Array.from(list, Number),
        attrs: readAttrs(entity as never),
      });
    } else throw new Error(`${where} is a link or a type Backflow does not read`);
  }
  return out;
}
