/**
 * The `--telemetry FILE.jsonl` writer: one JSON object per line, appended as
 * the run goes, so a crashed or stopped run keeps everything up to its last
 * step. A name ending in `.gz` is written gzip-compressed (a 220-layer
 * network writes about 72 KB a step; gzip makes that four to five times
 * smaller), readable with `zcat` or any gzip reader.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import { formatBytes } from '../../src-shared/graph/memory-estimate';
import { describeFsError } from './output-folder';

export interface TelemetryFile {
  write(record: object): void;
  close(): Promise<void>;
}

/** Opens (truncating) `path`; rejects with a plain message if it cannot be created. */
export async function openTelemetryFile(path: string): Promise<TelemetryFile> {
  const file: WriteStream = createWriteStream(path, { flags: 'w' });
  // events.once rejects on 'error': either way the stream is open or the reason is known.
  try {
    await once(file, 'open');
  } catch (error) {
    throw new Error(`cannot write telemetry to ${path}: ${describeFsError(error)}`, { cause: error });
  }
  const gzip: Gzip | undefined = path.endsWith('.gz') ? createGzip() : undefined;
  gzip?.pipe(file);
  const sink = gzip ?? file;
  let failure: Error | undefined;
  file.on('error', (error) => (failure ??= error));
  return {
    write(record) {
      sink.write(`${JSON.stringify(record)}\n`);
    },
    async close() {
      sink.end();
      await once(file, 'finish');
      if (failure) throw new Error(`writing telemetry to ${path} failed: ${describeFsError(failure)}`);
    },
  };
}

/**
 * Bytes a step record takes per layer: measured 324 on a 220-layer network and
 * 377 on an 11-layer one (ids and numbers vary); rounded up.
 */
const BYTES_PER_LAYER = 400;
const BYTES_PER_RECORD = 100;
/** gzip shrank the same files 4.3× and 5.5×; the lower figure, rounded down. */
const GZIP_RATIO = 4;

/** Past this a telemetry file gets a warning with its expected size. */
export const LARGE_TELEMETRY_BYTES = 1e9;

/** The expected size of a run's telemetry file. */
export function expectedTelemetryBytes(layers: number, steps: number, every: number, gzip: boolean): number {
  const records = Math.ceil(steps / every);
  const bytes = records * (BYTES_PER_RECORD + layers * BYTES_PER_LAYER);
  return gzip ? bytes / GZIP_RATIO : bytes;
}

/** A warning when the file will pass {@link LARGE_TELEMETRY_BYTES}, else undefined. */
export function telemetrySizeWarning(
  path: string,
  layers: number,
  steps: number,
  every: number,
): string | undefined {
  const gzip = path.endsWith('.gz');
  const bytes = expectedTelemetryBytes(layers, steps, every, gzip);
  if (bytes <= LARGE_TELEMETRY_BYTES) return undefined;
  const records = Math.ceil(steps / every);
  const what = `${records.toLocaleString('en-US')} records of ${layers} layers`;
  const advice = gzip ? 'raise --every' : 'raise --every, or end the file name in .gz to compress it';
  return `note: the telemetry file will be about ${formatBytes(bytes)} (${what}); ${advice}`;
}
