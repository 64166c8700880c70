/**
 * Temporary folders name their owner, so the folders of a worker ended
 * mid-import are removed by whoever ended it, and a sweep removes only
 * folders that are both old and abandoned (their process gone).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeWorkerTempDirs, STALE_AFTER_MS, sweepStaleTempDirs, withTempDir } from './temp-dir';

/** A pid no process has: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

function makeDir(root: string, name: string, ageMs = 0): string {
  const path = join(root, name);
  mkdirSync(path);
  writeFileSync(join(path, 'weights.bin'), new Uint8Array(1024));
  const when = (Date.now() - ageMs) / 1000;
  utimesSync(path, when, when);
  return path;
}

describe('temporary folders', () => {
  it('names each folder after its process and thread, and removes it after use', async () => {
    let seen = '';
    await withTempDir('upload', async (dir) => {
      seen = dir;
      expect(dir).toMatch(new RegExp(`backflow-upload-${process.pid}-0-[A-Za-z0-9]{6}$`));
      expect(existsSync(dir)).toBe(true);
    });
    expect(existsSync(seen)).toBe(false);
  });

  it("removes a worker's folders, and only that worker's", async () => {
    const root = mkdtempSync(join(tmpdir(), 'backflow-tempdir-test-'));
    const mine = makeDir(root, `backflow-upload-${process.pid}-7-abcDEF`);
    const download = makeDir(root, `backflow-download-${process.pid}-7-abc123`);
    const otherThread = makeDir(root, `backflow-upload-${process.pid}-8-abcDEF`);
    const otherProcess = makeDir(root, `backflow-upload-${process.pid + 1}-7-abcDEF`);
    const unrelated = makeDir(root, 'backflow-upload-notes');
    expect(await removeWorkerTempDirs(7, root)).toBe(2);
    expect([mine, download].map(existsSync)).toEqual([false, false]);
    expect([otherThread, otherProcess, unrelated].map(existsSync)).toEqual([true, true, true]);
  });

  it('sweeps folders older than an hour whose process is gone, and nothing else', async () => {
    const root = mkdtempSync(join(tmpdir(), 'backflow-tempdir-test-'));
    const dead = deadPid();
    const hourAndMore = STALE_AFTER_MS + 60_000;
    const abandoned = makeDir(root, `backflow-upload-${dead}-1-aaaaaa`, hourAndMore);
    const legacy = makeDir(root, 'backflow-upload-bbbbbb', hourAndMore);
    const recent = makeDir(root, `backflow-upload-${dead}-1-cccccc`, 60_000);
    const live = makeDir(root, `backflow-upload-${process.pid}-1-dddddd`, hourAndMore);
    const foreign = makeDir(root, 'someone-else-eeeeee', hourAndMore);
    const removed = await sweepStaleTempDirs(root);
    expect(removed.sort()).toEqual([abandoned, legacy].sort());
    expect(readdirSync(root).sort()).toEqual(
      [recent, live, foreign].map((p) => p.slice(root.length + 1)).sort(),
    );
  });
});
