/**
 * The `--telemetry FILE.jsonl` writer: one JSON object per line, appended as
 * the run goes, so a crashed or stopped run keeps everything up to its last
 * step.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export interface TelemetryFile {
  write(record: object): void;
  close(): Promise<void>;
}

/** Opens (truncating) `path`; rejects with a plain message if it cannot be created. */
export async function openTelemetryFile(path: string): Promise<TelemetryFile> {
  const stream: WriteStream = createWriteStream(path, { flags: 'w' });
  await Promise.race([
    once(stream, 'open'),
    once(stream, 'error').then(([error]) => {
      throw new Error(`cannot write telemetry to ${path}: ${(error as Error).message}`);
    }),
  ]);
  return {
    write(record) {
      stream.write(`${JSON.stringify(record)}\n`);
    },
    async close() {
      stream.end();
      await once(stream, 'finish');
    },
  };
}
