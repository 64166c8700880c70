import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readRun, removeRun, runsFolderFor, saveRun } from './runs-store';

/** A run file as the app writes it (docs/runs.md): the run line, then telemetry. */
function runFile(id: string, startedAt: number): string {
  const head = {
    type: 'run',
    format: 'backflow-run',
    version: 1,
    id,
    name: `Run ${id}`,
    designText: '{"x":1}',
    startedAt,
    layers: [{ id: 'd1', type: 'dense' }],
  };
  return `${JSON.stringify(head)}\n{"type":"step","step":0,"layers":[{"id":"d1","gradNorm":0.5,"outGradNorm":null,"updateRatio":0.01}]}\n`;
}

describe('runs kept beside the design', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backflow-runs-store-'));
  const design = join(dir, 'deep.backflow.json');

  it('names the folder after the design', () => {
    expect(runsFolderFor(design)).toBe(join(dir, 'deep.runs'));
    expect(runsFolderFor(join(dir, 'plain.json'))).toBe(join(dir, 'plain.runs'));
  });

  it('writes a run file and its summary, lists summaries newest first, reads and deletes', async () => {
    expect(await listRuns(design)).toEqual({ ok: true, value: { summaries: [], skipped: [] } });
    expect((await saveRun(design, 'run-a', runFile('run-a', 1))).ok).toBe(true);
    expect((await saveRun(design, 'run-b', runFile('run-b', 2))).ok).toBe(true);
    const folder = runsFolderFor(design);
    expect(readdirSync(folder).sort()).toEqual(['run-a.json', 'run-a.jsonl', 'run-b.json', 'run-b.jsonl']);
    const summary = JSON.parse(readFileSync(join(folder, 'run-a.json'), 'utf8'));
    expect(summary).toEqual({
      type: 'run',
      format: 'backflow-run',
      version: 1,
      id: 'run-a',
      name: 'Run run-a',
      startedAt: 1,
    });
    const listed = await listRuns(design);
    expect(listed.ok && listed.value.summaries.map((s) => s.id)).toEqual(['run-b', 'run-a']);
    expect(await readRun(design, 'run-a')).toEqual({
      ok: true,
      value: { text: runFile('run-a', 1), weights: null },
    });
    expect((await removeRun(design, 'run-a')).ok).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['run-b.json', 'run-b.jsonl']);
  });

  it('refuses ids that could leave the folder, a file of another run, and skips a broken summary', async () => {
    for (const id of ['../x', 'a/b', '', '.hidden', 'a'.repeat(101)]) {
      const saved = await saveRun(design, id, runFile(id, 0));
      expect(saved.ok, id).toBe(false);
      expect((await readRun(design, id)).ok, id).toBe(false);
      expect((await removeRun(design, id)).ok, id).toBe(false);
    }
    expect(await saveRun(design, 'run-c', runFile('run-d', 0))).toEqual({
      ok: false,
      error: { type: 'badRequest', message: 'the run file is run "run-d", not "run-c"' },
    });
    expect((await saveRun(design, 'run-c', 'not json\n')).ok).toBe(false);
    writeFileSync(join(runsFolderFor(design), 'run-z.json'), '{broken');
    const listed = await listRuns(design);
    expect(listed.ok && listed.value.skipped).toEqual(['run-z.json']);
    expect(listed.ok && listed.value.summaries.map((s) => s.id)).toEqual(['run-b']);
  });
});
