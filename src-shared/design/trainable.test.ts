/**
 * The per-node `trainable` flag: optional, default true, written only when
 * false, and refused when it is not a boolean.
 */
import { describe, expect, it } from 'vitest';
import productExample from '../../resources/fixtures/designs/v1/product-example.backflow.json?raw';
import { parseDesign } from './parse';
import { serializeDesign } from './serialize';

function withNode(patch: Record<string, unknown>): string {
  const document = JSON.parse(productExample);
  document.graph.nodes[1] = { ...document.graph.nodes[1], ...patch };
  return JSON.stringify(document);
}

describe('trainable', () => {
  it('round-trips false through parse and serialize, written after params', () => {
    const parsed = parseDesign(withNode({ trainable: false }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.design.graph.nodes[1].trainable).toBe(false);
    const text = serializeDesign(parsed.design);
    expect(Object.keys(JSON.parse(text).graph.nodes[1])).toEqual(['id', 'type', 'params', 'trainable']);
    const again = parseDesign(text);
    expect(again.ok && again.design).toEqual(parsed.design);
    expect(again.ok && serializeDesign(again.design)).toBe(text);
  });

  it('drops true (the default), so unfrozen designs keep their bytes', () => {
    const parsed = parseDesign(withNode({ trainable: true }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect('trainable' in parsed.design.graph.nodes[1]).toBe(false);
    const plain = parseDesign(productExample);
    expect(plain.ok && serializeDesign(plain.design)).toBe(serializeDesign(parsed.design));
  });

  it('refuses anything but a boolean, naming the node', () => {
    const parsed = parseDesign(withNode({ trainable: 'no' }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.message).toContain(
      'graph.nodes[1] (d1): "trainable" must be true or false, got "no"',
    );
  });
});
