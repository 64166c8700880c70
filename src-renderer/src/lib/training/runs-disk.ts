/**
 * Kept runs beside the design (desktop app): `deep.runs/` next to
 * `deep.backflow.json`, written and read by main (src-main/main/runs-store.ts)
 * over the file bridge. Main accepts only designs it opened or saved; a run
 * of a design never saved cannot be kept yet (`save` answers false) and the
 * library keeps it when the design gets a file.
 */
import type { FileResult } from '../../../../src-shared/files-protocol';
import type { FileHost, KeptRunsBridge } from '../files/host';
import { indexedDbRunStore } from './runs-db';
import { parseRunFile, runToJsonl } from './run-file';
import { MAX_RUNS, type KeptRun, type LoadedRuns, type RunStore } from './runs.svelte';

const unwrap = <T>(result: FileResult<T>): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

export function designRunStore(bridge: KeptRunsBridge): RunStore {
  return {
    perDesign: true,
    place: 'beside the design',
    async load(designPath): Promise<LoadedRuns> {
      if (!designPath) return { runs: [], problems: [] };
      const { summaries, skipped } = unwrap(await bridge.runsList(designPath));
      const problems = skipped.map((name) => `${name} is not a run summary`);
      const runs: KeptRun[] = [];
      // Newest first: the list shows MAX_RUNS, and older files stay on disk unread.
      for (const summary of summaries.slice(0, MAX_RUNS)) {
        const id = String(summary.id);
        const read = await bridge.runsRead(designPath, id);
        if (!read.ok) {
          problems.push(read.error.message);
          continue;
        }
        const parsed = parseRunFile(read.value.text, `${id}.jsonl`);
        if (parsed.ok) runs.push({ ...parsed.run, designPath, weights: read.value.weights });
        else problems.push(parsed.message);
      }
      return { runs, problems };
    },
    async save(run): Promise<boolean> {
      if (!run.designPath) return false;
      unwrap(await bridge.runsSave(run.designPath, run.info.id, runToJsonl(run), run.weights ?? null));
      return true;
    },
    async remove(run): Promise<void> {
      if (run.designPath) unwrap(await bridge.runsRemove(run.designPath, run.info.id));
    },
  };
}

/** The one place the renderer picks where runs are kept: beside the design where the host can, else the page's storage. */
export function createRunStore(host: Pick<FileHost, 'keptRuns'>): RunStore | null {
  return host.keptRuns ? designRunStore(host.keptRuns) : indexedDbRunStore();
}
