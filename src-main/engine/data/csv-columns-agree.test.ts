/**
 * The page reads a picked CSV file's columns (src-shared/csv/columns.ts) to
 * show the user what training on it gives before Train: the same shapes and
 * the same first problem, word for word, as the engine's loader. This checks
 * the two against each other on every loader fixture and every column of it
 * as the target, plus files made to break in one place each.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvData, summarizeCsv } from '../../../src-shared/csv/columns';
import { readCsvBytes } from './csvFile';

const FIXTURES = join(__dirname, 'fixtures');

const MADE: Record<string, string> = {
  'empty-target.csv': 'a,b,y\n1,2,p\n3,4,\n5,x,q\n',
  'bad-before-empty-target.csv': 'a,b,y\n1,2,p\n3,x,\n',
  'constant-target.csv': 'a,y\n1,p\n2,p\n',
  'mixed-numbers-and-text.csv': 'a,y\n1,1\n2,1.0\n3,one\n4,2\n',
  'numbers-as-one-class.csv': 'a,y\n1,1\n2,1.0\n3,2\n',
  'duplicate-name.csv': 'a,y,y\n1,2,3\n4,5,6\n',
  'unclosed-quote.csv': 'a,y\n1,"p\n2,q\n',
  'header-only.csv': 'a,y\n',
  'bad-then-ragged.csv': 'a,y\nx,2\n3\n',
  'one-column.csv': 'y\n1\n2\n',
  'many-ids.csv': `a,id\n${Array.from({ length: 1001 }, (_, i) => `${i},id${i}`).join('\n')}\n`,
  'fifty-one-integers.csv': `a,y\n${Array.from({ length: 51 }, (_, i) => `${i},${i}`).join('\n')}\n`,
};

function files(): [string, string][] {
  const shipped = readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.csv'))
    .map((name): [string, string] => [name, readFileSync(join(FIXTURES, name), 'utf8')]);
  return [...shipped, ...Object.entries(MADE)];
}

describe('the page reads a CSV file as the engine does', () => {
  for (const [name, text] of files()) {
    it(name, () => {
      const summary = summarizeCsv(text, name);
      const header = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
      const targets = summary.ok ? summary.summary.columns.map((c) => c.name) : header.split(',');
      // A target the header lacks is only checked on a readable file: the page offers the header's names.
      const extra = summary.ok ? ['no-such-column'] : [];
      for (const target of [...targets, ...extra]) {
        const engine = readCsvBytes({ source: 'csv', path: name, target }, new TextEncoder().encode(text));
        const context = `${name}, target ${target}`;
        if (!summary.ok) {
          // Problems of the whole file come first whatever the target.
          expect('type' in engine, context).toBe(true);
          if ('type' in engine) expect(summary.message, context).toBe(engine.message);
          continue;
        }
        const page = readCsvData(summary.summary, target);
        if ('type' in engine && engine.message.includes('too many to be classes')) {
          // The page counts distinct values only up to the limit (memory), so it cannot say how many.
          expect(page.problem?.message, context).toContain('too many to be classes');
        } else if ('type' in engine) {
          expect(page.problem?.message, context).toBe(engine.message);
        } else {
          expect(page.problem, context).toBeNull();
          expect(page.description, context).toEqual({
            inputShape: engine.inputShape,
            outputUnits: engine.outputUnits,
            task: engine.task,
          });
        }
      }
    });
  }
});
