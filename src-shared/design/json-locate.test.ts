import { describe, expect, it } from 'vitest';
import { locateJsonPath } from './json-locate';

const text = `{
  "name": "a \\"quoted\\" [name]",
  "graph": {
    "nodes": [
      { "id": "in", "params": { "shape": [2] } },
      {
        "id": "d1",
        "params": { "units": 64, "activation": "sigmod" }
      }
    ],
    "edges": [{ "id": "e1", "source": "in" }]
  }
}`;

/** The text at a location, for readable expectations. */
function at(path: string) {
  const place = locateJsonPath(text, path);
  const line = text.split('\n')[place.line - 1];
  return { rest: line.slice(place.column - 1), exact: place.exact };
}

describe('locateJsonPath', () => {
  it('points at the key of an object member, past strings that look like JSON', () => {
    expect(at('graph')).toEqual({ rest: '"graph": {', exact: true });
    expect(at('graph.nodes[1].params.activation')).toEqual({ rest: '"activation": "sigmod" }', exact: true });
    expect(locateJsonPath(text, 'graph.nodes[1].params.activation')).toMatchObject({ line: 8, column: 34 });
  });

  it('points at a list element itself', () => {
    expect(at('graph.nodes[1]').rest).toBe('{');
    expect(locateJsonPath(text, 'graph.nodes[1]')).toMatchObject({ line: 6, column: 7 });
    expect(at('graph.nodes[0].params.shape[0]')).toEqual({ rest: '2] } },', exact: true });
  });

  it('falls back to the deepest part that exists', () => {
    expect(at('graph.edges[0].target')).toEqual({ rest: '{ "id": "e1", "source": "in" }]', exact: false });
    expect(at('graph.nodes[7].id')).toEqual({ rest: '"nodes": [', exact: false });
    expect(at('')).toEqual({ rest: '{', exact: true });
  });

  it('reads past a byte-order mark', () => {
    expect(locateJsonPath(`\uFEFF{"a": 1}`, 'a')).toMatchObject({ line: 1, column: 3 });
  });

  it('walks a deeply nested file without recursion', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(locateJsonPath(`{"x": ${deep}, "y": 1}`, 'y')).toMatchObject({ column: 200_009, exact: true });
  });
});
