/**
 * Every malformed or hostile design in resources/fixtures/designs/hostile
 * (each with the reason it exists in cases.json) must get a clear message and
 * exit code 1 from both `validate` and `train` — never a crash, a hang, an
 * out-of-memory or an internal error. `validate` prints each problem as
 * compilers do, `file:line:column: message`, the file named once a line.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend/backend';
import { main } from './main';
import { captureIO } from './test-io';

const folder = join(__dirname, '../../resources/fixtures/designs/hostile');
const cases: { file: string; reason: string; expect: string; stage: string }[] = JSON.parse(
  readFileSync(join(folder, 'cases.json'), 'utf8'),
);

beforeAll(async () => {
  await initBackend('cpu');
});

describe('hostile designs', () => {
  it('are at least 40, covering the parse, graph and data stages', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.stage))).toEqual(new Set(['parse', 'graph', 'data']));
  });

  for (const testCase of cases) {
    for (const command of ['validate', 'train'] as const) {
      it(`${command} ${testCase.file}: exit 1 with "${testCase.expect}"`, async () => {
        const io = captureIO();
        const args =
          command === 'train'
            ? ['train', join(folder, testCase.file), '--steps', '1', '--backend', 'cpu']
            : ['validate', join(folder, testCase.file)];
        const code = await main(args, io);
        expect(io.stderr()).toContain(testCase.expect);
        expect(io.stderr()).not.toContain('internal error');
        expect(io.stderr()).not.toMatch(/\n\s+at /); // no stack trace
        expect(code).toBe(1);
        if (command === 'validate') expectCompilerStyle(io.stderr(), join(folder, testCase.file));
      });
    }
  }
});

/** Every line is `file:line:column: message` (or `file: message`), at a place that exists in the file. */
function expectCompilerStyle(stderr: string, file: string): void {
  const text = readFileSync(file, 'utf8').split('\n');
  const lines = stderr.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line.startsWith(`${file}:`), line).toBe(true);
    const rest = line.slice(file.length);
    expect(rest, line).toMatch(/^(:\d+:\d+)?: \S/);
    expect(rest).not.toContain(basename(file)); // named once
    const place = /^:(\d+):(\d+):/.exec(rest);
    if (!place) continue;
    const [row, column] = [Number(place[1]), Number(place[2])];
    expect(row).toBeLessThanOrEqual(text.length);
    expect(column).toBeLessThanOrEqual(text[row - 1].length + 1);
  }
}
