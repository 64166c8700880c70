/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke at untyped JSON documents */
import { describe, expect, it } from 'vitest';
import { MAX_ISSUES } from './errors';
import { findJsonSyntaxError } from './json-syntax';
import { MAX_DESIGN_SIZE, parseDesign, type DesignParseResult } from './parse';

/** A small valid design as plain data; each test breaks one thing. */
function base(): Record<string, any> {
  return {
    format: 'backflow.design',
    formatVersion: 1,
    name: 'test',
    graph: {
      nodes: [
        { id: 'in', type: 'input', params: { shape: [2] } },
        { id: 'd1', type: 'dense', params: { units: 8, activation: 'tanh' } },
        { id: 'd2', type: 'dense', params: { units: 8 } },
        { id: 'd3', type: 'dense', params: { units: 8 } },
        { id: 'out', type: 'output', params: {} },
      ],
      edges: [
        { id: 'e1', source: 'in', target: 'd1' },
        { id: 'e2', source: 'd1', target: 'd2' },
        { id: 'e3', source: 'd2', target: 'd3' },
        { id: 'e4', source: 'd3', target: 'out' },
      ],
    },
    data: { source: 'builtin', name: 'spiral' },
    training: { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 5, seed: 7 },
  };
}

function parse(document: unknown): DesignParseResult {
  return parseDesign(JSON.stringify(document), { fileName: 'design.backflow.json' });
}

function errorOf(result: DesignParseResult) {
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

function issuesOf(document: unknown) {
  const error = errorOf(parse(document));
  expect(error.type).toBe('invalid');
  return error.issues ?? [];
}

describe('parseDesign', () => {
  it('accepts a valid design, fills param and training defaults, keeps no extra keys', () => {
    const result = parse(base());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(result.migratedFrom).toBeUndefined();
    expect(result.design.graph.nodes[1].params).toEqual({
      units: 8,
      activation: 'tanh',
      alpha: expect.any(Number),
      kernelInitializer: 'glorotUniform',
      useBias: true,
    });
    expect(result.design.training).toEqual({ ...base().training, validationSplit: 0.2, momentum: 0.9 });
    expect(Object.keys(result.design)).toEqual([
      'format',
      'formatVersion',
      'name',
      'graph',
      'data',
      'training',
    ]);
  });

  it('reports JSON syntax errors with line and column', () => {
    const text = '{\n  "format": "backflow.design",\n  "name": oops\n}';
    expect(errorOf(parseDesign(text, { fileName: 'design.backflow.json' }))).toEqual({
      type: 'invalidJson',
      message: "design.backflow.json line 3, column 11: unexpected 'o'",
    });
    const truncated = `{\n${'  "a": 1,\n'.repeat(10)}  "b": [`;
    expect(errorOf(parseDesign(truncated, { fileName: 'design.backflow.json' })).message).toBe(
      'design.backflow.json line 12, column 9: unexpected end of JSON',
    );
    expect(errorOf(parseDesign('{"a": 1,}')).message).toBe("line 1, column 9: trailing comma before '}'");
  });

  it('agrees with JSON.parse on what is JSON', () => {
    const valid = ['0', '-1.5e+3', '"a\\u00e9\\n"', '{"a":[1,{"b":null}],"c":true}', ' [ ] ', '{}'];
    for (const text of valid) expect(findJsonSyntaxError(text), text).toBeUndefined();
    const invalid = [
      '01',
      '1.',
      '-',
      '[1,]',
      '{"a"}',
      '{"a":1 "b":2}',
      '"\\x"',
      '"abc',
      'tru',
      '[1]]',
      '{,}',
    ];
    for (const text of invalid) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(findJsonSyntaxError(text), text).toBeDefined();
    }
  });

  it('refuses the wrong envelope as notADesign', () => {
    expect(errorOf(parse([base()])).type).toBe('notADesign');
    expect(errorOf(parse({ ...base(), format: 'tldraw' })).message).toContain('"format" is "tldraw"');
    for (const version of [0, -1, '1', 1.5, null]) {
      const error = errorOf(parse({ ...base(), formatVersion: version }));
      expect(error.type).toBe('notADesign');
      expect(error.message).toContain('"formatVersion" must be a whole number from 1 up');
    }
  });

  it('refuses a newer format with a request to update', () => {
    expect(errorOf(parse({ ...base(), formatVersion: 999 }))).toEqual({
      type: 'tooNew',
      message:
        'design.backflow.json: this design was written by a newer Backflow (format 999; this version reads up to 1) — update Backflow to open it',
    });
  });

  it('refuses oversized text before parsing it', () => {
    const error = errorOf(parseDesign(' '.repeat(MAX_DESIGN_SIZE + 1)));
    expect(error.type).toBe('tooLarge');
    expect(error.message).toContain('at most 20 MB');
  });

  it('gives a JSON path and the node id for each issue', () => {
    const document = base();
    document.graph.nodes[3].params.units = 1e9;
    document.graph.nodes[2].params.unit = 3;
    document.graph.nodes[1].type = 'desne';
    document.graph.edges[3].target = 'nowhere';
    document.training.batchSize = 0;
    document.data.samples = 5;
    document.extra = true;
    const issues = issuesOf(document);
    expect(issues).toContainEqual({
      path: 'graph.nodes[3].params.units',
      message: 'graph.nodes[3] (d3): "units" must be from 1 to 16384, got 1000000000',
    });
    expect(issues).toContainEqual({
      path: 'graph.nodes[2].params.unit',
      message: expect.stringContaining(
        'graph.nodes[2] (d2): unknown parameter "unit" (did you mean "units"?)',
      ),
    });
    expect(issues).toContainEqual({
      path: 'graph.nodes[1].type',
      message: expect.stringContaining(
        'graph.nodes[1] (d1): unknown layer type "desne" (did you mean "dense"?)',
      ),
    });
    expect(issues).toContainEqual({
      path: 'graph.edges[3].target',
      message: 'graph.edges[3] (e4): "target" refers to "nowhere", which is not a node of the design',
    });
    expect(issues).toContainEqual({
      path: 'training.batchSize',
      message: 'training: "batchSize" must be a whole number from 1 to 4096, got 0',
    });
    expect(issues.map((issue) => issue.path)).toContain('data.samples');
    expect(issues).toContainEqual({ path: 'extra', message: expect.stringContaining('unknown key "extra"') });
    expect(issues).toHaveLength(7);
  });

  it('puts every issue in the message, one a line', () => {
    const document = base();
    document.graph.nodes[3].params.units = 0;
    document.training.epochs = 0;
    const error = errorOf(parse(document));
    expect(error.message.split('\n')).toEqual([
      'design.backflow.json is not a valid Backflow design — 2 problems:',
      '  graph.nodes[3] (d3): "units" must be from 1 to 16384, got 0',
      '  training: "epochs" must be a whole number from 1 to 10000, got 0',
    ]);
  });

  it('refuses duplicate ids, bad ids, missing keys and bad handles', () => {
    const document = base();
    document.graph.nodes[2].id = 'd1';
    document.graph.nodes[4].id = '_hidden';
    delete document.graph.nodes[3].type;
    document.graph.nodes[0].position = { x: 1, y: Infinity };
    document.graph.edges.push({ id: 'e1', source: 'd1', target: 'out', targetHandle: 'x' });
    delete document.name;
    const paths = issuesOf(document).map((issue) => `${issue.path}: ${issue.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'graph.nodes[2].id: graph.nodes[2] (d1): duplicate id "d1" (already used by graph.nodes[1])',
        ),
        expect.stringContaining('graph.nodes[4].id: graph.nodes[4]: "id" must be a name'),
        'graph.nodes[3].type: graph.nodes[3] (d3): "type" is missing',
        'graph.nodes[0].position.y: graph.nodes[0] (in): "position.y" must be a number from -1000000 to 1000000, got null',
        expect.stringContaining('graph.edges[4].id: graph.edges[4] (e1): duplicate edge id "e1"'),
        expect.stringContaining(
          'graph.edges[4].targetHandle: graph.edges[4] (e1): "targetHandle" must be in0, in1',
        ),
        'name: "name" is missing',
      ]),
    );
  });

  it('loads a half-built, untrainable graph (trainability is analyzeGraph’s job)', () => {
    const document = base();
    document.graph.edges = [{ id: 'loop', source: 'd1', target: 'd1' }];
    document.graph.nodes.push({ id: 'extra', type: 'output' });
    expect(parse(document).ok).toBe(true);
  });

  it('caps the number of issues', () => {
    const document = base();
    document.graph.nodes = Array.from({ length: 200 }, (_, i) => ({
      id: `n${i}`,
      type: 'dense',
      params: { units: 0 },
    }));
    document.graph.edges = [];
    const error = errorOf(parse(document));
    expect(error.issues).toHaveLength(MAX_ISSUES);
    expect(error.message).toContain(`(the first ${MAX_ISSUES} shown)`);
  });

  it('rounds positions to 0.1 px and normalizes -0', () => {
    const document = base();
    document.graph.nodes[0].position = { x: 12.3456, y: -0.01 };
    const result = parse(document);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.design.graph.nodes[0].position).toEqual({ x: 12.3, y: 0 });
    expect(Object.is(result.design.graph.nodes[0].position?.y, 0)).toBe(true);
  });

  it('never throws and never pollutes prototypes, whatever the input', () => {
    const hostile: unknown[] = [
      undefined,
      null,
      42,
      '',
      '\uFEFF',
      'x'.repeat(1000),
      '['.repeat(200_000),
      `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      '{"__proto__": {"polluted": 1}, "format": "backflow.design", "formatVersion": 1}',
      '{"constructor": {"prototype": {"polluted": 1}}, "format": "backflow.design", "formatVersion": 1}',
      JSON.stringify({ ...base(), name: 'n'.repeat(5_000_000) }),
      JSON.stringify({ ...base(), training: { ...base().training, optimizer: 'o'.repeat(1_000_000) } }),
    ];
    for (const input of hostile) {
      const result = parseDesign(input as string);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message.length).toBeLessThan(30_000);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stays fast on a near-20 MB file of a hundred thousand long keys in each section', () => {
    const keys = (prefix: string) =>
      Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`${prefix}${i}`.padEnd(60, 'x'), 1]));
    const document = base();
    Object.assign(document, keys('top'));
    document.training = { ...document.training, ...keys('training') };
    document.graph.nodes[1].params = keys('param');
    const text = JSON.stringify(document);
    expect(text.length).toBeLessThan(MAX_DESIGN_SIZE);
    const started = performance.now();
    const error = errorOf(parseDesign(text));
    expect(error.issues).toHaveLength(MAX_ISSUES);
    expect(error.message).toContain('at least');
    // Generous for two shared cores; the unguarded version took minutes.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('refuses a node with absurdly many params without checking each', () => {
    const document = base();
    document.graph.nodes[1].params = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, i]));
    expect(issuesOf(document)).toEqual([
      {
        path: 'graph.nodes[1].params',
        message: expect.stringContaining('graph.nodes[1] (d1): "params" has 65 keys'),
      },
    ]);
  });

  it('accepts a byte-order mark and a description', () => {
    const result = parseDesign(`\uFEFF${JSON.stringify({ ...base(), description: 'Why it exists.' })}`);
    expect(result.ok && result.design.description).toBe('Why it exists.');
    expect(errorOf(parse({ ...base(), description: 'd'.repeat(5001) })).issues?.[0].path).toBe('description');
  });
});
