/**
 * The command line as users and scripts call it: exit codes, messages, the
 * telemetry file's contract, and the real `npx backflow` binary.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from './main';
import { captureIO } from './test-io';

const root = join(__dirname, '../..');
const example = join(root, 'resources/examples/deep-sigmoid.backflow.json');

describe('backflow CLI', () => {
  it('validate: exit 0 and a summary for a trainable design', async () => {
    const io = captureIO();
    expect(await main(['validate', example], io)).toBe(0);
    expect(io.stdout()).toContain('ok — "Deep sigmoid MLP", 12 nodes');
  });

  it('usage errors exit 2 with the usage line', async () => {
    const cases: [string[], string][] = [
      [[], 'Usage:'],
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['validate'], 'expects 1 argument, got 0'],
      [['train', example, '--steps', 'many'], '--steps must be a whole number'],
      [['train', example, '--steps', '5', '--epochs', '1'], 'give --steps or --epochs, not both'],
      [
        ['train', example, '--backend', 'gpu'],
        '--backend must be one of auto, tensorflow, webgpu, wasm, cpu',
      ],
      [['train', example, '--unknown'], "Unknown option '--unknown'"],
      [
        ['export', example, '--format', 'caffe', '--out', 'x'],
        '--format must be one of tfjs, keras, pytorch, onnx',
      ],
      [['serve', '--port', 'x'], '--port must be a whole number'],
    ];
    for (const [args, message] of cases) {
      const io = captureIO();
      expect(await main(args, io), args.join(' ')).toBe(2);
      expect(io.stderr() + io.stdout(), args.join(' ')).toContain(message);
    }
  });

  it('validate: a missing file is a plain message, exit 1', async () => {
    const io = captureIO();
    expect(await main(['validate', join(root, 'no-such.backflow.json')], io)).toBe(1);
    expect(io.stderr()).toBe(`${join(root, 'no-such.backflow.json')}: cannot read it: no such file\n`);
  });

  it('train: writes the telemetry contract and saves the trained model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-train-'));
    const io = captureIO(dir);
    const code = await main(
      [
        'train',
        example,
        '--steps',
        '6',
        '--every',
        '2',
        '--telemetry',
        'run.jsonl',
        '--out',
        'model',
        '--backend',
        'wasm',
      ],
      io,
    );
    expect(code, io.stderr()).toBe(0);
    // Progress on stderr; stdout has the outcome alone.
    expect(io.stderr()).toMatch(/step 6\/6 epoch 1 loss \d\.\d{4} acc \d\.\d{3}/);
    expect(io.stdout()).toMatch(
      /^done in \d+\.\ds: 6 steps, loss \d\.\d{4}\nsaved the trained model to \S+model\n$/,
    );
    const lines = readFileSync(join(dir, 'run.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'run', seed: 42, totalSteps: 6, every: 2 });
    const steps = lines.filter((l) => l.type === 'step');
    expect(steps.map((s) => s.step)).toEqual([0, 2, 4]);
    for (const record of steps) {
      expect(record).toMatchObject({ type: 'step', epoch: 0 });
      expect(typeof record.loss).toBe('number');
      expect(record.layers.map((l: { id: string }) => l.id)).toEqual([
        'd1',
        'd2',
        'd3',
        'd4',
        'd5',
        'd6',
        'd7',
        'd8',
        'd9',
        'd10',
        'out',
      ]);
      for (const layer of record.layers) {
        expect(layer.gradNorm).toBeGreaterThan(0);
        expect(layer.outGradNorm).toBeGreaterThan(0);
        expect(layer.gradHistogram).toHaveLength(16);
      }
    }
    // The file's own record types, never the engine's event names.
    expect(new Set(lines.map((l) => l.type))).toEqual(new Set(['run', 'step', 'end']));
    expect(lines[lines.length - 1]).toMatchObject({ type: 'end', state: 'finished' });
    expect(existsSync(join(dir, 'model/model.json'))).toBe(true);
    expect(existsSync(join(dir, 'model/weights.bin'))).toBe(true);
  });

  it('train: an epoch ends in an "epoch" line of the telemetry file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-epoch-'));
    const io = captureIO(dir);
    const args = ['train', example, '--epochs', '1', '--every', '1000', '--telemetry', 'run.jsonl'];
    expect(await main([...args, '--backend', 'wasm'], io)).toBe(0);
    const lines = readFileSync(join(dir, 'run.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['run', 'step', 'epoch', 'end']);
    expect(Object.keys(lines[2])).toEqual([
      'type',
      'epoch',
      'step',
      'loss',
      'accuracy',
      'validationLoss',
      'validationAccuracy',
    ]);
  });

  it('runs as `npx backflow` with real exit codes', async () => {
    const run = promisify(execFile);
    const bin = join(root, 'bin/backflow.mjs');
    const ok = await run(process.execPath, [bin, 'validate', example]);
    expect(ok.stdout).toContain('ok —');
    const bad = join(root, 'resources/fixtures/designs/hostile/truncated.backflow.json');
    await expect(run(process.execPath, [bin, 'validate', bad])).rejects.toMatchObject({ code: 1 });
    await expect(run(process.execPath, [bin, 'bogus'])).rejects.toMatchObject({ code: 2 });
  });
  it('bench --json prints exactly the contract object other tools compare', async () => {
    const io = captureIO();
    const code = await main(
      ['bench', '--json', '--backend', 'wasm', '--workloads', 'W1,W3', '--steps', '2', '--windows', '1'],
      io,
    );
    expect(code, io.stderr()).toBe(0);
    const result = JSON.parse(io.stdout()) as { backend: string; workloads: Record<string, unknown>[] };
    expect(Object.keys(result)).toEqual(['backend', 'workloads']);
    expect(result.backend).toMatch(/wasm/);
    expect(result.workloads.map((w) => w.name)).toEqual(['W1', 'W3']);
    for (const w of result.workloads) {
      for (const key of ['stepsPerSec', 'stepsPerSecTelemetry', 'numTensorsStart', 'numTensorsEnd'])
        expect(w[key], `${String(w.name)}.${key}`).toBeTypeOf('number');
      expect(w.stepsPerSec as number).toBeGreaterThan(0);
      expect(w.stepsPerSecTelemetry as number).toBeGreaterThan(0);
      // A fraction, so that 0.07 is 7 %: the plain and telemetry rates give it back.
      expect(w.telemetryOverhead).toBeCloseTo(
        (w.stepsPerSec as number) / (w.stepsPerSecTelemetry as number) - 1,
        10,
      );
      expect(w.numTensorsEnd).toBe(w.numTensorsStart);
      // Every thread count timed (1, and the pool's size on a machine with more than one core),
      // and the reported rates are the reported count's.
      const byThreads = w.byThreads as {
        threads: number;
        stepsPerSec: number;
        stepsPerSecTelemetry: number;
      }[];
      expect(byThreads.map((t) => t.threads)).toEqual(
        availableParallelism() > 1 ? [1, Math.min(8, availableParallelism())] : [1],
      );
      expect(byThreads.find((t) => t.threads === w.threads)).toMatchObject({
        stepsPerSec: w.stepsPerSec,
        stepsPerSecTelemetry: w.stepsPerSecTelemetry,
      });
    }
    // Progress and the backend line go to stderr, so stdout is the one JSON object.
    expect(io.stderr()).toContain('telemetry statistics:');
  });
  it('bench --workloads preview adds the preview latency figure, per kind of edit', async () => {
    const io = captureIO();
    const code = await main(
      ['bench', '--json', '--backend', 'wasm', '--workloads', 'preview', '--windows', '1'],
      io,
    );
    expect(code, io.stderr()).toBe(0);
    const result = JSON.parse(io.stdout()) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['backend', 'workloads', 'preview']);
    const preview = result.preview as { medianMs: Record<string, number>; maxMs: number; repeats: number };
    expect(Object.keys(preview.medianMs)).toEqual(['activation', 'initializer', 'width']);
    for (const ms of Object.values(preview.medianMs)) expect(ms).toBeGreaterThan(0);
    expect(preview.maxMs).toBeGreaterThanOrEqual(Math.max(...Object.values(preview.medianMs)));
    expect(preview.repeats).toBe(1);
  });

  it("bench --workloads startup times --version, --help and validate through package.json's bin", async () => {
    const io = captureIO();
    const code = await main(
      ['bench', '--json', '--backend', 'wasm', '--workloads', 'startup', '--windows', '1'],
      io,
    );
    expect(code, io.stderr()).toBe(0);
    const result = JSON.parse(io.stdout());
    expect(Object.keys(result)).toEqual(['backend', 'workloads', 'startup']);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: { backflow: string };
    };
    const bin = manifest.bin.backflow.replace(/^\.\//, '');
    expect(result.startup).toMatchObject({ bin, runs: 1 });
    expect(result.startup.commands.map((c: { command: string }) => c.command.split(' ')[0])).toEqual([
      '--version',
      '--help',
      'validate',
    ]);
    for (const c of result.startup.commands) {
      expect(c.ms).toBeGreaterThan(0);
      // The processor time of the whole process: at least about what starting Node alone costs.
      expect(c.cpuMs).toBeGreaterThan(result.startup.nodeCpuMs * 0.5);
    }
    expect(io.stderr()).toMatch(
      /startup \(node \S+, median of 1\): --version \d+ ms \(cpu \d+\), --help \d+ ms \(cpu \d+\), validate \d+ ms \(cpu \d+\); node alone/,
    );
  }, 60_000);
});
