import { describe, expect, it } from 'vitest';
import { guessTarget, readCsvData, readTarget, summarizeCsv, type CsvSummary } from './columns';

function summary(text: string, file = 'data.csv'): CsvSummary {
  const result = summarizeCsv(text, file);
  if (!result.ok) throw new Error(result.message);
  return result.summary;
}

const IRIS = [
  'sepal_length,sepal_width,petal_length,petal_width,species',
  '5.1,3.5,1.4,0.2,setosa',
  '7.0,3.2,4.7,1.4,versicolor',
  '6.3,3.3,6.0,2.5,virginica',
  '4.9,3.0,1.4,0.2,setosa',
].join('\n');

describe('the header row', () => {
  it('reads quoted names with commas, doubled quotes and line breaks, trimmed, after a byte-order mark', () => {
    const s = summary('\uFEFF"width, cm","say ""hi""" ,"two\nlines", label \n1,2,3,a\n4,5,6,b\n');
    expect(s.columns.map((c) => c.name)).toEqual(['width, cm', 'say "hi"', 'two\nlines', 'label']);
    expect(s.rows).toBe(2);
  });

  it('suggests the last column as the target', () => {
    expect(guessTarget(summary(IRIS))).toBe('species');
    expect(guessTarget(summary('y,x\n1,2\n'))).toBe('x');
  });

  it("refuses only a file without a header; problems further down wait for the target, in the engine's order", () => {
    const problem = (text: string, target: string) => {
      const r = summarizeCsv(text, 'd.csv');
      if (!r.ok) return `${r.message} @${r.line ?? '-'}:${r.column ?? '-'}`;
      const p = readCsvData(r.summary, target).problem;
      return p ? `${p.message} @${p.line ?? '-'}:${p.column ?? '-'}` : 'ok';
    };
    expect(problem('', 'y')).toBe('d.csv is empty; it needs a header row @-:-');
    expect(problem('\n\n', 'y')).toBe('d.csv is empty; it needs a header row @-:-');
    expect(problem('y\n1\n', 'y')).toBe(
      'd.csv has only the target column "y"; it needs at least one feature column @-:-',
    );
    expect(problem('a,y\n', 'y')).toBe('d.csv has a header but no data rows @-:-');
    expect(problem('a,y\n1,2\n3,"x\n', 'y')).toBe(
      'd.csv line 3: a quoted field opened on line 3 is never closed @3:2',
    );
    expect(problem('a,y\n1,2\n\n3\n', 'y')).toBe('d.csv line 4 has 1 fields; the header has 2 @4:-');
    // A bad cell above the ragged line is what the engine meets first.
    expect(problem('a,y\nx,2\n3\n', 'y')).toBe('d.csv line 2, column 1: "x" is not a number @2:1');
  });
});

describe('reading a target column as the engine does', () => {
  const column = (s: CsvSummary, name: string) => s.columns.find((c) => c.name === name)!;

  it('text is classes, counted by distinct value', () => {
    const s = summary(IRIS);
    expect(readTarget(column(s, 'species'), s)).toEqual({ task: 'classification', classes: 3 });
    expect(column(s, 'species').examples).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('fractions are a number to predict; few whole numbers are classes; many are a number', () => {
    const s = summary(IRIS);
    expect(readTarget(column(s, 'petal_width'), s)).toEqual({ task: 'regression' });
    const binary = summary('x,y\n1,0\n2,1\n3,1.0\n4,0\n');
    expect(readTarget(column(binary, 'y'), binary)).toEqual({ task: 'classification', classes: 2 });
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i},${i}`).join('\n');
    const fifty = summary(`x,y\n${rows(50)}\n`);
    expect(readTarget(column(fifty, 'y'), fifty)).toEqual({ task: 'classification', classes: 50 });
    const fiftyOne = summary(`x,y\n${rows(51)}\n`);
    expect(readTarget(column(fiftyOne, 'y'), fiftyOne)).toEqual({ task: 'regression' });
  });

  it('refuses an empty target cell, a constant target and an ID-like text column', () => {
    const empty = summary('x,y\n1,a\n2, \n');
    expect(readTarget(column(empty, 'y'), empty)).toEqual({
      task: 'unusable',
      message: 'data.csv line 3, column 2: the target "y" is empty',
    });
    const same = summary('x,y\n1,a\n2,a\n');
    expect(readTarget(column(same, 'y'), same)).toMatchObject({ task: 'unusable' });
    const ids = summary(`x,id\n${Array.from({ length: 1001 }, (_, i) => `1,id${i}`).join('\n')}\n`);
    expect(readTarget(column(ids, 'id'), ids)).toMatchObject({
      task: 'unusable',
      message: expect.stringContaining('more than 1000 distinct values'),
    });
  });
});

describe('the data a design gets from a file and a target', () => {
  it('inputs are every other column; outputs the classes', () => {
    expect(readCsvData(summary(IRIS), 'species')).toEqual({
      description: { inputShape: [4], outputUnits: 3, task: 'classification' },
      problem: null,
    });
    expect(readCsvData(summary(IRIS), 'sepal_length')).toMatchObject({
      description: { inputShape: [4], outputUnits: 1, task: 'regression' },
      // Now the text column is an input.
      problem: { line: 2, column: 5, message: 'data.csv line 2, column 5: "setosa" is not a number' },
    });
  });

  it('names the first bad feature cell by line and column, row by row, left to right', () => {
    const text = 'a,b,c,y\n1,2,3,p\n4,,x,q\n5,zz,6,p\n';
    expect(readCsvData(summary(text), 'y').problem).toEqual({
      line: 3,
      column: 2,
      message: 'data.csv line 3, column 2: the cell is empty',
    });
    expect(readCsvData(summary(text), 'b').problem?.message).toBe(
      'data.csv line 2, column 4: "p" is not a number',
    );
  });

  it('an empty target before any bad feature is reported as such', () => {
    const text = 'a,y\n1,\n2,p\nx,q\n';
    expect(readCsvData(summary(text), 'y').problem).toEqual({
      line: 2,
      column: 2,
      message: 'data.csv line 2, column 2: the target "y" is empty',
    });
  });

  it('a target the file lacks is named with the columns it has', () => {
    expect(readCsvData(summary('a,b\n1,2\n'), 'label').problem?.message).toBe(
      'data.csv has no column "label" to use as the target; its columns are "a", "b"',
    );
  });
});
