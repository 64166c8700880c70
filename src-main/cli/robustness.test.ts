/**
 * The CLI when things go wrong: bad numbers, an unusable `--out` or
 * `--telemetry`, a backend that breaks mid-run, Ctrl-C and kill — each a plain
 * message and a documented exit code, never a stack trace — and telemetry
 * written gzip-compressed, with a warning when it will be huge.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { breakBackendAfter } from '../engine/worker/inject-abort';
import { main } from './main';
import { expectedTelemetryBytes, telemetrySizeWarning } from './telemetry-file';
import { captureIO } from './test-io';

const root = join(__dirname, '../..');
const example = join(root, 'resources/examples/deep-sigmoid.backflow.json');
const scratch = () => mkdtempSync(join(tmpdir(), 'backflow-cli-'));
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);
const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function train(args: string[], cwd = scratch()) {
  const io = captureIO(cwd);
  const code = await main(['train', example, ...args], io);
  noStack(io.stderr());
  return { code, out: io.stdout(), err: io.stderr(), cwd };
}

describe('numbers on the command line', () => {
  it('say in words what is wrong, exit 2', async () => {
    const cases: [string[], string][] = [
      [['--steps', '-1'], '--steps must be a whole number from 1 to 10,000,000; -1 is negative'],
      [['--steps', '0'], '--steps must be a whole number from 1 to 10,000,000; 0 is below 1'],
      [['--steps', '2.5'], '2.5 is not a whole number'],
      [['--steps', 'ten'], '"ten" is not a number'],
      [['--steps', '1e3'], 'write "1e3" as plain digits'],
      [['--every', '-3'], '--every must be a whole number from 1 to 1,000,000; -3 is negative'],
      [['--seed', '99999999999'], '99999999999 is above 4,294,967,295'],
      [['--epochs', '-0.5'], '-0.5 is not a whole number'],
    ];
    for (const [args, message] of cases) {
      const { code, err, out } = await train(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err, args.join(' ')).toContain(message);
      expect(out).not.toContain('training');
    }
  });
});

describe('where the results go, checked before training', () => {
  it('--out naming an existing file: exit 2', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'model'), 'not a folder');
    const { code, err, out } = await train(['--steps', '2', '--out', 'model'], dir);
    expect(code).toBe(2);
    expect(err).toContain(`--out ${join(dir, 'model')} is a file; name a folder`);
    expect(out).not.toContain('training');
  });

  it('--out in a folder that cannot be written or made: exit 1, nothing left behind', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), '');
    const underFile = await train(['--steps', '2', '--out', 'file/model'], dir);
    expect(underFile.code).toBe(1);
    expect(underFile.err).toContain('part of the path is a file, not a folder');
    // Root may write anywhere a mode allows nothing; /sys refuses even root.
    const root = process.getuid?.() === 0;
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const target = root ? '/sys/backflow-test-out/model' : join(locked, 'model');
    const refused = await train(['--steps', '2', '--out', target], dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/cannot create --out \S+: permission denied/);
    expect(refused.out).not.toContain('training');
    expect(existsSync(target)).toBe(false);
  });

  it('export --out: a file is exit 2, a path under a file exit 1, each in words', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), '');
    const run = async (out: string) => {
      const io = captureIO(dir);
      const code = await main(['export', example, '--format', 'tfjs', '--out', out], io);
      noStack(io.stderr());
      return { code, err: io.stderr() };
    };
    expect(await run('file')).toEqual({
      code: 2,
      err: expect.stringContaining(`--out ${join(dir, 'file')} is a file; name a folder`),
    });
    expect(await run('file/model')).toEqual({
      code: 1,
      err: expect.stringContaining('part of the path is a file, not a folder'),
    });
    expect((await run('new/model')).code).toBe(0);
    expect(existsSync(join(dir, 'new/model/model.json'))).toBe(true);
  });

  it('--telemetry that cannot be written: exit 1 with the reason', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), '');
    const underFile = await train(['--steps', '2', '--telemetry', 'file/run.jsonl'], dir);
    expect(underFile.code).toBe(1);
    expect(underFile.err).toContain(
      `cannot write telemetry to ${join(dir, 'file/run.jsonl')}: part of the path is a file, not a folder`,
    );
    const folder = await train(['--steps', '2', '--telemetry', '.'], dir);
    expect(folder.code).toBe(1);
    expect(folder.err).toContain(`cannot write telemetry to ${dir}: it is a folder`);
  });
});

describe('telemetry files', () => {
  it('a name ending in .gz is written gzip-compressed, the same records', async () => {
    const { code, cwd } = await train(['--steps', '4', '--telemetry', 'run.jsonl.gz']);
    expect(code).toBe(0);
    const records = jsonLines(gunzipSync(readFileSync(join(cwd, 'run.jsonl.gz'))).toString('utf8'));
    expect(records.map((r) => r.type)).toEqual(['run', 'step', 'step', 'step', 'step', 'end']);
    expect(records.at(-1)).toMatchObject({ type: 'end', state: 'finished', steps: 4 });
  });

  it('the expected size is an upper estimate of a real file, and past 1 GB it is said', async () => {
    const { cwd } = await train(['--steps', '20', '--telemetry', 'run.jsonl']);
    const steps = readFileSync(join(cwd, 'run.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{"type":"step"'));
    const real = steps.reduce((sum, line) => sum + line.length + 1, 0);
    const expected = expectedTelemetryBytes(11, 20, 1, false);
    expect(expected).toBeGreaterThanOrEqual(real);
    expect(expected).toBeLessThan(1.5 * real);

    // 220 layers (the residual-56 example) every step for 100,000 steps: about 8.8 GB.
    expect(telemetrySizeWarning('run.jsonl', 220, 100_000, 1)).toBe(
      'note: the telemetry file will be about 8.8 GB (100,000 records of 220 layers); raise --every, or end the file name in .gz to compress it',
    );
    expect(telemetrySizeWarning('run.jsonl.gz', 220, 100_000, 1)).toBe(
      'note: the telemetry file will be about 2.2 GB (100,000 records of 220 layers); raise --every',
    );
    expect(telemetrySizeWarning('run.jsonl', 220, 100_000, 10)).toBeUndefined();
  });
});

describe('a backend that breaks mid-run', () => {
  it('is a plain message naming the step, exit 1; the telemetry ends with a failed record', async () => {
    const restore = breakBackendAfter(2000);
    let result;
    try {
      result = await train(['--steps', '500', '--backend', 'wasm', '--telemetry', 'run.jsonl']);
    } finally {
      restore();
    }
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^backflow train: the compute backend failed at step \d+ \(WebAssembly stopped: memory access out of bounds\): the run needed more memory than wasm holds — lower the batch size or the layer sizes$/m,
    );
    const records = jsonLines(readFileSync(join(result.cwd, 'run.jsonl'), 'utf8'));
    expect(records.at(-1)).toMatchObject({ type: 'end', state: 'failed' });
  });
});

describe('signals', () => {
  /** Starts the real `backflow train`, waits for its first step, sends `signal`, and collects the end. */
  function interrupt(signal: NodeJS.Signals) {
    const dir = scratch();
    const child = spawn(
      process.execPath,
      [join(root, 'bin/backflow.mjs'), 'train', example, '--steps', '10000000', '--telemetry', 'run.jsonl'],
      { cwd: dir },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<{ code: number | null; stderr: string; records: Record<string, unknown>[] }>(
      (resolve, reject) => {
        // Once a step record is in the file (progress lines come every 500,000 steps here).
        const poll = setInterval(() => {
          const file = join(dir, 'run.jsonl');
          if (existsSync(file) && readFileSync(file, 'utf8').includes('"type":"step"')) {
            clearInterval(poll);
            child.kill(signal);
          }
        }, 100);
        child.on('error', (error) => (clearInterval(poll), reject(error)));
        child.on('exit', (code) => {
          clearInterval(poll);
          const records = jsonLines(readFileSync(join(dir, 'run.jsonl'), 'utf8'));
          resolve({ code, stderr, records });
        });
      },
    );
  }

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} stops after the step in progress, ends the telemetry with an interrupted record, exit ${code}`, async () => {
      const result = await interrupt(signal);
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toMatch(new RegExp(`interrupted by ${signal} after \\d+ steps`));
      noStack(result.stderr);
      const end = result.records.at(-1)!;
      expect(end).toMatchObject({ type: 'end', state: 'interrupted', signal });
      const steps = result.records.filter((r) => r.type === 'step');
      expect(end.steps).toBe(steps.length);
    }, 60_000);
  }
});
