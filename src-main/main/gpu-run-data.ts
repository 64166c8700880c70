/**
 * The GPU page reads no files, so a run it trains on a CSV file beside the
 * design gets the file's bytes from main, read under the worker's own rules
 * (engine/data/csvFile.ts: inside the document's folder, at most 50 MB), as
 * browser mode sends a file the user picked. A file that cannot be read
 * fails the run with the worker's message for it.
 */
import type { EngineError, EngineRequest } from '../../src-shared/protocol';
import { readCsvFileBytes } from '../engine/data/csvFile';

/** The requests the GPU page trains from: a run's start, and a trial of a design. */
type TrainsDesign = Extract<EngineRequest, { type: 'train.start' | 'trial.time' }>;

export async function withCsvBytes<T extends TrainsDesign>(
  request: T,
): Promise<{ ok: true; request: T } | { ok: false; error: EngineError }> {
  const path = csvPathOf(request.designText);
  if (path === undefined || request.dataFile || !request.designDir) return { ok: true, request };
  const fail = (message: string) => ({ ok: false as const, error: { type: 'data' as const, message } });
  try {
    const bytes = await readCsvFileBytes(path, request.designDir);
    if (!(bytes instanceof Uint8Array)) return fail(`data: ${bytes.message}`);
    const name = path.split(/[\\/]/).pop() || 'data.csv';
    return { ok: true, request: { ...request, dataFile: { name, bytes } } };
  } catch (error) {
    return fail(`data: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The CSV path a design's data names; undefined for built-in data or text that is not a design (the page says why). */
function csvPathOf(designText: string): string | undefined {
  try {
    const data = (JSON.parse(designText) as { data?: { source?: unknown; path?: unknown } } | null)?.data;
    return data?.source === 'csv' && typeof data.path === 'string' ? data.path : undefined;
  } catch {
    return undefined;
  }
}
