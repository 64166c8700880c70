/// <reference types="vite/client" />
/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke at untyped JSON documents */
import { describe, expect, it } from 'vitest';
import productExample from '../../resources/fixtures/designs/v1/product-example.backflow.json?raw';
import { LAYER_SPECS } from '../layers/index';
import { formatJson } from './json-print';
import { parseDesign } from './parse';
import { designJsonSchema, paramsDefName } from './schema';
import { serializeDesign } from './serialize';
import { TRAINING_KEYS } from './training';
import { EDGE_KEYS, NODE_KEYS, REQUIRED_TOP_LEVEL_KEYS, TOP_LEVEL_KEYS } from './limits';

type Schema = Record<string, any> | boolean;

const examples = import.meta.glob(
  ['../../resources/examples/*.backflow.json', '../../resources/fixtures/designs/v1/*.json'],
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
) as Record<string, string>;

/**
 * The subset of JSON Schema 2020-12 that design.schema.json uses; returns the
 * paths where `value` breaks `schema`. Enough to check that what the parser
 * accepts, the schema accepts too (the project ships no schema validator).
 */
function schemaErrors(root: Record<string, any>, schema: Schema, value: any, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  const errors: string[] = [];
  const sub = (s: Schema, v: any, p: string) => schemaErrors(root, s, v, p);
  if (schema.$ref) errors.push(...sub(root.$defs[schema.$ref.replace('#/$defs/', '')], value, path));
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type === 'integer' && !Number.isInteger(value)) errors.push(`${path}: not an integer`);
  else if (schema.type && schema.type !== 'integer' && schema.type !== type)
    errors.push(`${path}: not ${schema.type}`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: not in enum`);
  if ('const' in schema && schema.const !== value) errors.push(`${path}: not ${schema.const}`);
  if (type === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above maximum`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      errors.push(`${path}: too low`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      errors.push(`${path}: too high`);
  }
  if (type === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: too long`);
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: too short`);
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${path}: pattern`);
  }
  if (type === 'array') {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      errors.push(`${path}: too few items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errors.push(`${path}: too many items`);
    if (schema.items)
      value.forEach((item: any, i: number) => errors.push(...sub(schema.items, item, `${path}[${i}]`)));
  }
  if (type === 'object') {
    for (const key of schema.required ?? []) if (!(key in value)) errors.push(`${path}.${key}: missing`);
    for (const [key, item] of Object.entries(value)) {
      if (schema.properties && key in schema.properties)
        errors.push(...sub(schema.properties[key], item, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
    }
  }
  if (schema.oneOf) {
    const passing = schema.oneOf.filter((s: Schema) => sub(s, value, path).length === 0).length;
    if (passing !== 1) errors.push(`${path}: matches ${passing} of oneOf`);
  }
  for (const part of schema.allOf ?? []) {
    if (part.if && sub(part.if, value, path).length === 0)
      errors.push(...sub(part.then ?? true, value, path));
    else if (!part.if) errors.push(...sub(part, value, path));
  }
  return errors;
}

describe('design.schema.json', () => {
  // The file is checked to equal this object byte for byte below; the other tests read the object so
  // that a `-u` run which rewrites the file passes in one go.
  const schema = designJsonSchema() as Record<string, any>;

  it('is the generated schema, formatted (run `npx vitest run src-shared/design -u` to refresh)', async () => {
    await expect(`${formatJson(schema)}\n`).toMatchFileSnapshot('../../resources/schema/design.schema.json');
  });

  it('lists exactly the catalogue’s layer types and, per type, its params in order', () => {
    const specs = Object.values(LAYER_SPECS);
    expect(schema.$defs.node.properties.type.enum).toEqual(specs.map((spec) => spec.type));
    for (const spec of specs) {
      const params = schema.$defs[paramsDefName(spec.type)];
      expect(Object.keys(params.properties), spec.type).toEqual(Object.keys(spec.params));
      expect(params.additionalProperties, spec.type).toBe(false);
    }
    expect(schema.$defs.node.allOf).toHaveLength(specs.length);
  });

  it('requires and allows exactly the keys the parser does', () => {
    expect(schema.required).toEqual([...REQUIRED_TOP_LEVEL_KEYS]);
    expect(Object.keys(schema.properties)).toEqual([...TOP_LEVEL_KEYS]);
    expect(Object.keys(schema.$defs.node.properties)).toEqual([...NODE_KEYS]);
    expect(schema.$defs.node.required).toEqual(['id', 'type']);
    expect(Object.keys(schema.$defs.edge.properties)).toEqual([...EDGE_KEYS]);
    expect(Object.keys(schema.$defs.training.properties)).toEqual([...TRAINING_KEYS]);
  });

  it('documents every field with a description', () => {
    const undocumented: string[] = [];
    const walk = (node: Record<string, any>, path: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {}) as [string, Record<string, any>][]) {
        if (!child.description && !child.$ref && !('const' in child && key === 'source'))
          undocumented.push(`${path}.${key}`);
      }
    };
    walk(schema, '$');
    for (const [name, def] of Object.entries(schema.$defs) as [string, Record<string, any>][]) {
      walk(def, name);
      for (const variant of def.oneOf ?? []) if (variant.properties) walk(variant, name);
    }
    expect(undocumented).toEqual([]);
  });

  it('accepts every shipped example and released fixture, as the parser does', () => {
    expect(Object.keys(examples).length).toBeGreaterThanOrEqual(4);
    for (const [path, text] of Object.entries(examples)) {
      const parsed = parseDesign(text);
      expect(parsed.ok, path).toBe(true);
      expect(schemaErrors(schema, schema, JSON.parse(text)), path).toEqual([]);
      if (parsed.ok)
        expect(schemaErrors(schema, schema, JSON.parse(serializeDesign(parsed.design))), path).toEqual([]);
    }
  });

  it('refuses what the parser refuses for structure (typos, unknown keys, missing keys)', () => {
    const valid = JSON.parse(productExample);
    const broken = [
      { ...valid, extra: 1 },
      { ...valid, graph: { ...valid.graph, nodes: [{ ...valid.graph.nodes[1], params: { unit: 64 } }] } },
      { ...valid, graph: { ...valid.graph, nodes: [{ ...valid.graph.nodes[1], type: 'desne' }] } },
      { ...valid, training: { ...valid.training, batchSize: 0 } },
      { ...valid, data: { ...valid.data, samples: 1e9 } },
      { ...valid, data: { source: 'builtin', name: 'iris', noise: 0.1 } },
    ];
    for (const document of broken) {
      expect(parseDesign(JSON.stringify(document)).ok).toBe(false);
      expect(schemaErrors(schema, schema, document).length).toBeGreaterThan(0);
    }
    const { name: _name, ...nameless } = valid;
    expect(schemaErrors(schema, schema, nameless)).toEqual(['$.name: missing']);
  });
});
