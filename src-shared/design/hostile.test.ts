/// <reference types="vite/client" />
/**
 * The hostile corpus: malformed and malicious design files, each with the
 * reason it exists and the message it must produce (netron's models.json).
 * Parse-stage cases must be refused by parseDesign; graph- and data-stage
 * cases are structurally valid, so they must load, and fail later (the graph
 * ones in analyzeGraph, checked here; the data ones when the engine loads the
 * data, checked by the CLI tests).
 */
import { describe, expect, it } from 'vitest';
import cases from '../../resources/fixtures/designs/hostile/cases.json';
import { analyzeGraph } from '../graph/index';
import { describeData } from './datasets';
import { parseDesign } from './parse';

interface HostileCase {
  file: string;
  reason: string;
  expect: string;
  stage: 'parse' | 'graph' | 'data';
}

const files = import.meta.glob('../../resources/fixtures/designs/hostile/*.backflow.json', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const byName = new Map(Object.entries(files).map(([path, text]) => [path.split('/').pop() as string, text]));
const corpus = cases as HostileCase[];

describe('hostile design corpus', () => {
  it('has at least 45 cases, each file listed once with a reason and an expectation', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(45);
    expect(corpus.map((c) => c.file).sort()).toEqual([...byName.keys()].sort());
    expect(new Set(corpus.map((c) => c.file)).size).toBe(corpus.length);
    for (const c of corpus) {
      expect(c.reason.length, c.file).toBeGreaterThan(10);
      expect(c.expect.length, c.file).toBeGreaterThan(2);
      expect(['parse', 'graph', 'data'], c.file).toContain(c.stage);
    }
    for (const stage of ['parse', 'graph', 'data']) expect(corpus.some((c) => c.stage === stage)).toBe(true);
  });

  it.each(corpus.filter((c) => c.stage === 'parse'))('refuses $file', ({ file, expect: expected }) => {
    const result = parseDesign(byName.get(file) as string, { fileName: file });
    expect(result.ok, file).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(expected);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it.each(corpus.filter((c) => c.stage !== 'parse'))(
    'loads $file ($stage stage)',
    ({ file, stage, expect: expected }) => {
      const result = parseDesign(byName.get(file) as string, { fileName: file });
      if (!result.ok) throw new Error(result.error.message);
      if (stage !== 'graph') return;
      const data = describeData(result.design.data);
      const analysis = analyzeGraph(result.design.graph, {
        outputUnits: data.outputUnits,
        dataInputShape: data.inputShape,
      });
      expect(analysis.trainable).toBe(false);
      expect(analysis.problems.map((p) => p.message).join('\n')).toContain(expected);
    },
  );
});
