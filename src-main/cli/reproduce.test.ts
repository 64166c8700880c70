/**
 * `backflow reproduce` end to end on its cheapest experiment (two small
 * networks, 50 steps, 3 seeds): the tables, the engine's divergence message,
 * and the JSON and Markdown files.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main';
import { captureIO } from './test-io';

describe('backflow reproduce', () => {
  it('runs the named experiment, prints its tables and writes results.json and results.md', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-reproduce-'));
    const io = captureIO(dir);
    const code = await main(['reproduce', 'exploding', '--quick', '--out', 'out', '--backend', 'wasm'], io);
    expect(code, io.stderr()).toBe(0);
    expect(io.stdout()).toContain('lr 10: the run diverges and says why');
    expect(io.stdout()).toMatch(/engine: lr-10, seed 42: Training diverged at step \d+/);
    const report = JSON.parse(readFileSync(join(dir, 'out/results.json'), 'utf8'));
    expect(report.command).toBe('npx backflow reproduce exploding --quick --out out --backend wasm');
    expect(report.experiments.map((e: { name: string }) => e.name)).toEqual(['exploding']);
    expect(report.experiments[0].arms[0].runs).toHaveLength(3);
    const markdown = readFileSync(join(dir, 'out/results.md'), 'utf8');
    expect(markdown).toContain('| check | expected (paper) | measured | direction holds? |');
  }, 60_000);

  it('refuses an unknown experiment name with the list of known ones (exit 2)', async () => {
    const io = captureIO();
    expect(await main(['reproduce', 'nope'], io)).toBe(2);
    expect(io.stderr()).toContain('known: deep-sigmoid');
  });

  it('refuses --backend webgpu with the backends it runs on (exit 2), instead of failing mid-experiment', async () => {
    const io = captureIO();
    expect(await main(['reproduce', '--backend', 'webgpu'], io)).toBe(2);
    expect(io.stderr()).toContain('reproduce runs on auto, tensorflow, wasm or cpu');
  });
});
