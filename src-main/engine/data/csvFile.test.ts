import { mkdtemp, mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRecords, parseDecimal } from '../../../src-shared/csv/parse';
import { loadData } from './index';
import type { DataError, LoadedData } from './index';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

async function loadCsv(path: string, target: string, designDir = FIXTURES, validationSplit = 0) {
  return loadData(
    { source: 'csv', path, target, normalize: 'none' },
    { designDir, seed: 1, validationSplit },
  );
}

async function good(path: string, target: string, designDir = FIXTURES): Promise<LoadedData> {
  const result = await loadCsv(path, target, designDir);
  if (!result.ok) throw new Error(`${result.error.type}: ${result.error.message}`);
  return result.value;
}

async function bad(path: string, target: string, designDir = FIXTURES): Promise<DataError> {
  const result = await loadCsv(path, target, designDir);
  if (result.ok) throw new Error(`${path} loaded but should not have`);
  return result.error;
}

/** Rows of a split as [features..., label] sorted, so tests do not depend on the shuffle. */
function rows(data: LoadedData): string[] {
  const width = data.inputShape[0];
  const out: string[] = [];
  for (let i = 0; i < data.train.n; i++) {
    const features = [...data.train.x.subarray(i * width, (i + 1) * width)];
    const label = data.train.labels ? data.classNames![data.train.labels[i]] : data.train.y[i];
    out.push([...features, label].join(','));
  }
  return out.sort();
}

describe('CSV files that load', () => {
  it('reads text classes, skips blank trailing lines and sorts the class names', async () => {
    const data = await good('simple.csv', 'kind');
    expect(data.train.n).toBe(6);
    expect(data.featureNames).toEqual(['width', 'height']);
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(data.task).toBe('classification');
    expect(rows(data)).toContain('1,2,cat');
  });

  it('keeps commas and doubled quotes inside quoted fields', async () => {
    const data = await good('quoted.csv', 'label');
    expect(data.featureNames).toEqual(['x', 'note, with comma']);
    expect(data.classNames).toEqual(['O"Brien', 'Smith, John']);
    expect(rows(data)).toEqual(['1,2,Smith, John', '2,3.5,O"Brien', '3,4,Smith, John', '4,5,O"Brien']);
  });

  it('reads CRLF line ends; integer 0/1 targets become classes', async () => {
    const raw = await readFile(join(FIXTURES, 'crlf.csv'), 'latin1');
    expect(raw).toContain('\r\n'); // the fixture itself must not have been converted to LF
    const data = await good('crlf.csv', 'y');
    expect(data.train.n).toBe(4);
    expect(data.classNames).toEqual(['0', '1']);
    expect(rows(data)).toEqual(['1,2,0', '3,4,1', '5,6,0', '7,8,1']);
  });

  it('sorts whole-number classes numerically', async () => {
    const data = await good('integer-classes.csv', 'digit');
    expect(data.classNames).toEqual(['1', '2', '10']);
    expect(data.outputUnits).toBe(3);
  });

  it('detects regression from a non-integer numeric target', async () => {
    const data = await good('regression.csv', 'price');
    expect(data.task).toBe('regression');
    expect(data.outputUnits).toBe(1);
    expect(data.classNames).toBeUndefined();
    expect(data.train.labels).toBeUndefined();
    expect([...data.train.y].sort((a, b) => a - b)).toEqual([120.5, 180.25, 210.75, 260, 300.5]);
  });

  it('standardizes CSV features and splits deterministically', async () => {
    const spec = { source: 'csv' as const, path: 'regression.csv', target: 'price' };
    const options = { designDir: FIXTURES, seed: 3, validationSplit: 0.4 };
    const a = await loadData(spec, options);
    const b = await loadData(spec, options);
    expect(a).toEqual(b);
    if (!a.ok) throw new Error(a.error.message);
    expect(a.value.train.n).toBe(3);
    expect(a.value.validation?.n).toBe(2);
    expect(a.value.normalization?.mean).toHaveLength(2);
  });
});

describe('CSV files that are refused', () => {
  it('names the exact line, column and text of a non-number', async () => {
    const error = await bad('bad-number.csv', 'label');
    expect(error).toEqual({
      type: 'malformedCsv',
      file: 'bad-number.csv',
      line: 4,
      column: 2,
      message: 'bad-number.csv line 4, column 2: "abc" is not a number',
    });
  });

  it('names the line of a ragged row', async () => {
    const error = await bad('ragged.csv', 'label');
    expect(error).toMatchObject({ type: 'malformedCsv', line: 3 });
    expect(error.message).toBe('ragged.csv line 3 has 2 fields; the header has 3');
  });

  it('lists the columns when the target is missing', async () => {
    const error = await bad('simple.csv', 'species');
    expect(error.type).toBe('badTarget');
    expect(error.message).toContain('no column "species"');
    expect(error.message).toContain('"width", "height", "kind"');
  });

  it('reports a missing file with its path', async () => {
    const error = await bad('nope/missing.csv', 'y');
    expect(error).toMatchObject({ type: 'missingFile', file: 'nope/missing.csv' });
    expect(error.message).toContain(join(FIXTURES, 'nope', 'missing.csv'));
  });

  it('refuses paths that leave the folder, absolute paths included', async () => {
    for (const path of ['../index.ts', 'sub/../../x.csv', '/etc/passwd']) {
      const error = await bad(path, 'y');
      expect(error.type, path).toBe('outsideFolder');
      expect(error.file).toBe(path);
    }
  });
});

describe('CSV files in a temporary folder', () => {
  let root: string;
  let design: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'backflow-csv-'));
    design = join(root, 'design');
    await mkdir(design);
    await writeFile(join(root, 'secret.csv'), 'a,y\n1,0\n2,1\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a symbolic link inside the folder that points outside it', async () => {
    await symlink(join(root, 'secret.csv'), join(design, 'innocent.csv'));
    const error = await bad('innocent.csv', 'y', design);
    expect(error).toMatchObject({ type: 'outsideFolder', file: 'innocent.csv' });
  });

  it('follows a symbolic link that stays inside the folder', async () => {
    await writeFile(join(design, 'real.csv'), 'a,y\n1,0\n2,1\n');
    await symlink(join(design, 'real.csv'), join(design, 'alias.csv'));
    expect((await good('alias.csv', 'y', design)).train.n).toBe(2);
  });

  it('refuses a folder, an empty file, a header without rows and a single class', async () => {
    await mkdir(join(design, 'folder.csv'));
    expect((await bad('folder.csv', 'y', design)).type).toBe('missingFile');
    await writeFile(join(design, 'empty.csv'), '\n\n');
    expect((await bad('empty.csv', 'y', design)).message).toContain('needs a header row');
    await writeFile(join(design, 'header.csv'), 'a,y\n');
    expect((await bad('header.csv', 'y', design)).message).toContain('no data rows');
    await writeFile(join(design, 'one.csv'), 'a,y\n1,cat\n2,cat\n');
    expect((await bad('one.csv', 'y', design)).type).toBe('badTarget');
  });

  it('reports an empty cell, an empty target and an unclosed quote with their lines', async () => {
    await writeFile(join(design, 'blank.csv'), 'a,b,y\n1,2,0\n3,,1\n');
    expect((await bad('blank.csv', 'y', design)).message).toBe(
      'blank.csv line 3, column 2: the cell is empty',
    );
    await writeFile(join(design, 'nolabel.csv'), 'a,y\n1,0\n2,\n');
    expect(await bad('nolabel.csv', 'y', design)).toMatchObject({ line: 3, column: 2 });
    await writeFile(join(design, 'quote.csv'), 'a,y\n1,0\n2,"open\n3,1\n');
    expect(await bad('quote.csv', 'y', design)).toMatchObject({ type: 'malformedCsv', line: 3 });
  });

  it('refuses files over the row and column limits with the figure', async () => {
    const wide = Array.from({ length: 4097 }, (_, i) => `c${i}`).join(',');
    await writeFile(join(design, 'wide.csv'), `${wide}\n`);
    const tooWide = await bad('wide.csv', 'c0', design);
    expect(tooWide).toMatchObject({ type: 'tooLarge' });
    expect(tooWide.message).toContain('4097 columns');
    const long = ['a,y', ...Array.from({ length: 100_001 }, (_, i) => `${i},${i % 2}`)].join('\n');
    await writeFile(join(design, 'long.csv'), long);
    const tooLong = await bad('long.csv', 'y', design);
    expect(tooLong.type).toBe('tooLarge');
    expect(tooLong.message).toContain('100000');
    // A sparse file: 51 MB on paper, nothing on disk; refused before it is read.
    await writeFile(join(design, 'huge.csv'), 'a,y\n');
    await truncate(join(design, 'huge.csv'), 51 * 1024 * 1024);
    expect(await bad('huge.csv', 'y', design)).toMatchObject({
      type: 'tooLarge',
      message: 'huge.csv is 51.0 MB; the limit is 50 MB',
    });
  });

  it('refuses a text target with more distinct values than any class list', async () => {
    const ids = ['a,id', ...Array.from({ length: 1001 }, (_, i) => `${i},user${i}`)].join('\n');
    await writeFile(join(design, 'ids.csv'), ids);
    const error = await bad('ids.csv', 'id', design);
    expect(error).toMatchObject({ type: 'badTarget', line: 2, column: 2 });
    expect(error.message).toContain('1001 distinct values');
  });
});

describe('csvRecords and parseDecimal', () => {
  it('tracks the line each record starts on, across quoted line breaks and CR-only ends', () => {
    const records = [...csvRecords('a,b\r\n"x\ny",1\n\n  \n2,3\r4,5')];
    expect(records).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x\ny', '1'], line: 2 },
      { fields: ['2', '3'], line: 6 },
      { fields: ['4', '5'], line: 7 },
    ]);
  });

  it('ignores a byte-order mark and keeps an empty last field', () => {
    expect([...csvRecords('\ufeffa,b,\n')]).toEqual([{ fields: ['a', 'b', ''], line: 1 }]);
  });

  it('accepts plain decimals only', () => {
    expect(['1', '-2.5', '+.5', '1e-3', ' 7 ', '3.'].map(parseDecimal)).toEqual([1, -2.5, 0.5, 0.001, 7, 3]);
    for (const text of ['', 'abc', '0x1f', 'Infinity', 'NaN', '1,5', '1e400', '--1']) {
      expect(parseDecimal(text), text).toBeUndefined();
    }
  });
});
