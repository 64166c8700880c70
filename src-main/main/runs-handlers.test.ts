/**
 * The runs channels as a hostile renderer would drive them, through the real
 * file service on real files: runs are kept only beside a design main opened
 * or saved, ids that would leave the runs folder and oversized telemetry or
 * weights are refused with a message naming what is wrong, and a run saved
 * with its weights reads back byte for byte.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeDesign } from '../../src-shared/design/index';
import { MAX_WEIGHTS_BYTES } from '../../src-shared/weights-file';
import { createAutosave } from './autosave';
import { createFileService } from './file-service';
import { loadRecentFiles } from './recent';
import { MAX_RUN_FILE_BYTES } from './runs-store';
import { emptyTestDesign } from './test-design';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backflow-runs-ipc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TEXT = serializeDesign(emptyTestDesign('Tiny'));
const runFile = (id: string, startedAt = 1) =>
  `${JSON.stringify({ type: 'run', format: 'backflow-run', version: 1, id, name: id, designText: TEXT, startedAt, layers: [] })}\n`;

/** A file service with `deep.backflow.json` opened through the Open dialog (in `sub`, if given). */
async function opened(appFolders: string[] = [], sub = '') {
  await mkdir(join(dir, sub), { recursive: true });
  const design = join(dir, sub, 'deep.backflow.json');
  await writeFile(design, TEXT);
  const service = createFileService({
    dialogs: {
      chooseOpen: async () => design,
      chooseSave: async () => join(dir, 'saved-as.backflow.json'),
      confirmDiscard: async () => 'cancel',
      confirmOverwrite: async () => false,
      chooseFolder: async () => null,
      chooseModel: async () => null,
    },
    recent: await loadRecentFiles(join(dir, 'recent.json')),
    autosave: createAutosave(join(dir, 'autosave.json'), 0),
    send: () => {},
    closeWindow: () => {},
    onDocumentChange: () => {},
    appFolders,
  });
  expect(await service.handle('open', undefined)).toMatchObject({ ok: true });
  return { service, design };
}

describe('runs beside the design, over the file service', () => {
  it('saves a run with its weights, lists it, reads it back, and deletes it', async () => {
    const { service, design } = await opened();
    const weights = Uint8Array.from([1, 2, 3, 250]);
    const save = { designPath: design, id: 'run-a', text: runFile('run-a'), weights };
    expect(await service.handle('runsSave', save)).toEqual({ ok: true, value: undefined });
    expect((await readdir(join(dir, 'deep.runs'))).sort()).toEqual([
      'run-a.json',
      'run-a.jsonl',
      'run-a.weights.safetensors',
    ]);
    const listed = await service.handle('runsList', { designPath: design });
    expect(listed).toMatchObject({ ok: true, value: { summaries: [{ id: 'run-a' }], skipped: [] } });
    expect(await service.handle('runsRead', { designPath: design, id: 'run-a' })).toEqual({
      ok: true,
      value: { text: runFile('run-a'), weights },
    });
    // Saved again without weights (renamed, say): no stale weights file is left to be read back.
    await service.handle('runsSave', { ...save, weights: null });
    expect(await service.handle('runsRead', { designPath: design, id: 'run-a' })).toMatchObject({
      value: { weights: null },
    });
    expect(await service.handle('runsRemove', { designPath: design, id: 'run-a' })).toMatchObject({
      ok: true,
    });
    expect(await readdir(join(dir, 'deep.runs'))).toEqual([]);
  });

  it('keeps runs beside a design saved this session, and refuses any other path', async () => {
    const { service, design } = await opened();
    const stranger = join(dir, 'elsewhere.backflow.json');
    await writeFile(stranger, TEXT);
    for (const [channel, payload] of [
      ['runsList', { designPath: stranger }],
      ['runsSave', { designPath: stranger, id: 'run-a', text: runFile('run-a'), weights: null }],
      ['runsRead', { designPath: '/etc/passwd', id: 'run-a' }],
      ['runsRemove', { designPath: stranger, id: 'run-a' }],
    ] as const)
      expect(await service.handle(channel, payload), channel).toEqual({
        ok: false,
        error: {
          type: 'notAllowed',
          message: 'runs are kept only beside a design opened or saved in Backflow',
        },
      });
    expect(await readdir(dir)).not.toContain('elsewhere.runs');
    // Save As: the new file takes runs, and the design opened before still does (a run may end after).
    await service.handle('saveAs', { text: TEXT, weights: null });
    const copy = join(dir, 'saved-as.backflow.json');
    for (const path of [copy, design])
      expect(
        await service.handle('runsSave', {
          designPath: path,
          id: 'run-b',
          text: runFile('run-b'),
          weights: null,
        }),
      ).toMatchObject({ ok: true });
  });

  it('refuses ids that would leave the folder, and oversized telemetry or weights, saying what is wrong', async () => {
    const { service, design } = await opened();
    for (const id of ['../escape', '..', 'a/b', 'a\\b', '.hidden', '']) {
      const result = await service.handle('runsSave', {
        designPath: design,
        id,
        text: runFile(id),
        weights: null,
      });
      expect(result, id).toMatchObject({ ok: false, error: { type: 'badRequest' } });
      if (!result.ok) expect(result.error.message).toContain('is not a run id');
      expect(await service.handle('runsRead', { designPath: design, id }), id).toMatchObject({ ok: false });
      expect(await service.handle('runsRemove', { designPath: design, id }), id).toMatchObject({ ok: false });
    }
    expect(
      await service.handle('runsSave', {
        designPath: design,
        id: 'run-a',
        text: 'x'.repeat(MAX_RUN_FILE_BYTES + 1),
        weights: null,
      }),
    ).toEqual({
      ok: false,
      error: {
        type: 'tooLarge',
        message: 'the run file of run-a is larger than 64 MB: more telemetry than a run keeps',
      },
    });
    const huge = { designPath: design, id: 'run-a', text: runFile('run-a') };
    expect(
      await service.handle('runsSave', { ...huge, weights: new Uint8Array(MAX_WEIGHTS_BYTES + 1) }),
    ).toMatchObject({ ok: false, error: { type: 'badRequest', message: 'weights is larger than 64 MB' } });
    expect(await service.handle('runsSave', { ...huge, text: 42, weights: null })).toMatchObject({
      error: { message: 'text must be the run file as text' },
    });
    expect(await service.handle('runsSave', { ...huge, text: 'not a run\n', weights: null })).toMatchObject({
      error: { message: 'the run file does not start with its run line' },
    });
    expect(await readdir(dir)).not.toContain('escape.json');
    expect(await readdir(join(dir, 'deep.runs')).catch(() => [])).toEqual([]);
  });

  it('writes no runs inside the installed app’s own folder (an example opened from it)', async () => {
    const resources = join(dir, 'resources');
    const { service, design } = await opened([resources], 'resources/examples');
    const save = { designPath: design, id: 'run-a', text: runFile('run-a'), weights: null };
    expect(await service.handle('runsSave', save)).toEqual({
      ok: false,
      error: {
        type: 'notAllowed',
        message:
          'runs are not kept inside the app’s own folder: save the design elsewhere (Save As…) to keep its runs',
      },
    });
    expect(await readdir(join(resources, 'examples'))).toEqual(['deep.backflow.json']);
    // Saved elsewhere, it keeps runs as any design does.
    expect(await service.handle('saveAs', { text: TEXT, weights: null })).toMatchObject({ ok: true });
    const copy = join(dir, 'saved-as.backflow.json');
    expect(await service.handle('runsSave', { ...save, designPath: copy })).toMatchObject({ ok: true });
  });
});
