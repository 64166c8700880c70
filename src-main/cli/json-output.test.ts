/**
 * `--json` on validate, train and export: one JSON object on stdout (the
 * shapes docs/cli.md documents), progress and messages on stderr, and a
 * failure as `{"ok":false,"errors":[{file,line,column,message}]}` whose place
 * is where the problem is in the file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main';
import { captureIO } from './test-io';

const root = join(__dirname, '../..');
const example = join(root, 'resources/examples/deep-sigmoid.backflow.json');
const typo = join(root, 'resources/fixtures/designs/hostile/activation-typo.backflow.json');

async function run(args: string[], cwd?: string) {
  const io = captureIO(cwd);
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** Stdout must be exactly one JSON object on one line. */
function single(out: string): Record<string, unknown> {
  expect(out.endsWith('\n')).toBe(true);
  expect(out.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(out) as Record<string, unknown>;
}

describe('--json', () => {
  it('validate: the summary as data', async () => {
    const { code, out, err } = await run(['validate', example, '--json']);
    expect(code, err).toBe(0);
    expect(single(out)).toEqual({
      ok: true,
      file: example,
      design: 'Deep sigmoid MLP',
      nodes: 12,
      weights: 37827,
      inputShape: [2],
      outputUnits: 3,
      task: 'classification',
      backend: expect.any(String),
      memoryBytes: expect.any(Number),
      batchSize: 64,
    });
  });

  it('validate: a problem at its line and column, on stdout as data and on stderr once', async () => {
    const { code, out, err } = await run(['validate', typo, '--json']);
    expect(code).toBe(1);
    const result = single(out) as {
      ok: boolean;
      errors: { file: string; line: number; column: number; message: string }[];
    };
    expect(result.ok).toBe(false);
    expect(result.errors).toHaveLength(1);
    const [problem] = result.errors;
    expect(problem).toMatchObject({
      file: typo,
      message: expect.stringContaining('"activation" must be one of'),
    });
    const line = readFileSync(typo, 'utf8').split('\n')[problem.line - 1];
    expect(line.slice(problem.column - 1)).toMatch(/^"activation": "sigmod"/);
    expect(err).toBe(`${typo}:${problem.line}:${problem.column}: ${problem.message}\n`);
  });

  it('train: the outcome as data; progress stays on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-json-'));
    const args = [
      'train',
      example,
      '--steps',
      '3',
      '--backend',
      'wasm',
      '--telemetry',
      'run.jsonl',
      '--out',
      'model',
    ];
    const { code, out, err } = await run([...args, '--json'], dir);
    expect(code, err).toBe(0);
    expect(err).toMatch(/step 3\/3 epoch 1 loss/);
    const result = single(out);
    expect(result).toEqual({
      ok: true,
      file: example,
      design: 'Deep sigmoid MLP',
      backend: 'wasm',
      seed: 42,
      state: 'finished',
      steps: 3,
      totalSteps: 3,
      seconds: expect.any(Number),
      loss: expect.any(Number),
      accuracy: expect.any(Number),
      validationLoss: null,
      validationAccuracy: null,
      telemetry: join(dir, 'run.jsonl'),
      model: join(dir, 'model'),
    });
    // The loss reported is the last step's, as the telemetry file has it.
    const steps = readFileSync(join(dir, 'run.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.type === 'step');
    expect(result.loss).toBe(steps.at(-1).loss);
  });

  it('train: a design that cannot run is {"ok":false,"errors":[…]}, exit 1', async () => {
    const { code, out } = await run(['train', typo, '--steps', '1', '--json']);
    expect(code).toBe(1);
    expect(single(out)).toMatchObject({ ok: false, errors: [{ file: typo, line: expect.any(Number) }] });
  });

  it('export: what was written, and where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-json-'));
    const { code, out, err } = await run(
      ['export', example, '--format', 'tfjs', '--out', 'm', '--seed', '3', '--json'],
      dir,
    );
    expect(code, err).toBe(0);
    expect(single(out)).toEqual({
      ok: true,
      file: example,
      design: 'Deep sigmoid MLP',
      format: 'tfjs',
      seed: 3,
      pretrained: false,
      dir: join(dir, 'm'),
      files: ['model.json', 'weights.bin'],
    });
  });
});
