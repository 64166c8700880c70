/// <reference types="vite/client" />
// docs/design-file.md is the repository's copy of the design-file contract: its example must
// load, and the layer types it lists must be the catalogue's, so the page cannot drift from the code.
import { describe, expect, it } from 'vitest';
import designDoc from '../../docs/design-file.md?raw';
import { LAYER_TYPES } from '../layers/types';
import { parseDesign } from './parse';

describe('docs/design-file.md', () => {
  it('has an example that parses as a design', () => {
    const example = /```json\n([\s\S]*?)```/.exec(designDoc)?.[1];
    expect(example).toBeDefined();
    const parsed = parseDesign(example!);
    expect(parsed.ok ? parsed.design.graph.nodes.map((n) => n.type) : parsed.error.message).toEqual([
      'input',
      'dense',
      'output',
    ]);
  });

  it('lists exactly the catalogue’s layer types', () => {
    const list = /Layer `type` names: ([^.]*)\./.exec(designDoc)?.[1] ?? '';
    const named = [...list.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]);
    expect(named).toEqual([...LAYER_TYPES]);
  });
});
