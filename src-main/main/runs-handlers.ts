/**
 * The runs channels of the file service: the runs kept beside a design
 * (runs-store.ts). The renderer names the design a run belongs to, since a
 * run can end after another design was opened, but only a design path main
 * itself opened or saved this session is accepted, and the run id must be a
 * plain name, so no request reaches a folder the user did not choose. Nor
 * are runs written inside the app's own folders (an example opened from the
 * installed app): that would change a signed or read-only bundle.
 */
import { sep } from 'node:path';
import type { FileChannelName, FileResult } from '../../src-shared/files-protocol';
import { MAX_WEIGHTS_BYTES } from '../../src-shared/weights-file';
import { BadRequest, expectBytes, expectLabel, expectPath, expectRecord } from './ipc-guard';
import { listRuns, MAX_RUN_FILE_BYTES, readRun, removeRun, saveRun } from './runs-store';

export type RunsChannelName = Extract<FileChannelName, `runs${string}`>;

type Handler = (payload: unknown) => Promise<FileResult<unknown>>;

const refusal = (message: string) => ({
  refused: { ok: false, error: { type: 'notAllowed', message } } as FileResult<never>,
});

/**
 * `isDesignPath(path)`: whether main opened or saved the design at `path`
 * this session; `appFolders`: the installed app's own folders (its resources).
 */
export function createRunsHandlers(
  isDesignPath: (path: string) => boolean,
  appFolders: readonly string[] = [],
): Record<RunsChannelName, Handler> {
  /** The design named by a request, if main handed it out; else the refusal to send back. */
  const designOf = (value: unknown): { path: string } | { refused: FileResult<never> } => {
    const path = expectPath(value, 'designPath');
    if (!isDesignPath(path)) return refusal('runs are kept only beside a design opened or saved in Backflow');
    if (appFolders.some((folder) => path.startsWith(folder.endsWith(sep) ? folder : folder + sep)))
      return refusal(
        'runs are not kept inside the app’s own folder: save the design elsewhere (Save As…) to keep its runs',
      );
    return { path };
  };
  const runId = (value: unknown) => expectLabel(value, 'id', 100);

  return {
    async runsList(payload) {
      const design = designOf(expectRecord(payload, ['designPath']).designPath);
      return 'refused' in design ? design.refused : listRuns(design.path);
    },
    async runsRead(payload) {
      const record = expectRecord(payload, ['designPath', 'id']);
      const design = designOf(record.designPath);
      return 'refused' in design ? design.refused : readRun(design.path, runId(record.id));
    },
    async runsSave(payload) {
      const record = expectRecord(payload, ['designPath', 'id', 'text', 'weights']);
      const design = designOf(record.designPath);
      if ('refused' in design) return design.refused;
      const id = runId(record.id);
      if (typeof record.text !== 'string') throw new BadRequest('text must be the run file as text');
      if (record.text.length > MAX_RUN_FILE_BYTES)
        return {
          ok: false,
          error: {
            type: 'tooLarge',
            message: `the run file of ${id} is larger than ${MAX_RUN_FILE_BYTES >> 20} MB: more telemetry than a run keeps`,
          },
        };
      const weights =
        record.weights === null ? null : expectBytes(record.weights, 'weights', MAX_WEIGHTS_BYTES);
      return saveRun(design.path, id, record.text, weights);
    },
    async runsRemove(payload) {
      const record = expectRecord(payload, ['designPath', 'id']);
      const design = designOf(record.designPath);
      return 'refused' in design ? design.refused : removeRun(design.path, runId(record.id));
    },
  };
}
