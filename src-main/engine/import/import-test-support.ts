/**
 * Test support for the import tests: a model file imported (or the test fails with the
 * importer's message), and imported weights checked against the network that was exported.
 */
import { expect } from 'vitest';
import type { WeightValues } from '../model/network';
import { importModelFile } from './files';

/** The design and weights `path` imports to; throws the importer's message when it refuses. */
export async function imported(path: string) {
  const result = await importModelFile(path);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** `actual` holds exactly `expected`'s tensors, each with its shape and every value bit for bit. */
export function expectSameWeights(actual: WeightValues | null | undefined, expected: WeightValues): void {
  expect([...actual!.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, value] of expected) {
    expect(actual!.get(key)!.shape, key).toEqual(value.shape);
    expect(Array.from(actual!.get(key)!.values), key).toEqual(Array.from(value.values));
  }
}
