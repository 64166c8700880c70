/**
 * A design's pretrained weights on disk: `deep.weights.safetensors` beside
 * `deep.backflow.json` (src-shared/weights-file.ts), the file the CLI's
 * `import` writes and `train` reads. Main reads it with the design and
 * writes it with every save, so the folder always holds what the app shows.
 */
import { unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileResult } from '../../src-shared/files-protocol';
import { MAX_WEIGHTS_BYTES, weightsPathFor, withDesignHash } from '../../src-shared/weights-file';
import { designHash, weightsBelongTo } from '../engine/pretrained/design-hash';
import { exists, readBytesCapped, writeFileAtomic } from './files';

/** What was found beside a design: its weights, or why they were not loaded (the design still opens). */
export interface DesignWeights {
  weights?: Uint8Array;
  warning?: string;
}

/**
 * Reads the weights beside `designPath` when there are some. Weights saved
 * with another version of the design (a save interrupted between the two
 * files) are not used: the design opens without them and says why. The
 * engine checks the rest against the design.
 */
export async function readDesignWeights(designPath: string, designText: string): Promise<DesignWeights> {
  const path = weightsPathFor(designPath);
  if (!(await exists(path))) return {};
  const read = await readBytesCapped(path, MAX_WEIGHTS_BYTES, 'not a weights file');
  const replaced = `The design opened without its pretrained weights; saving it replaces ${basename(path)}.`;
  if (!read.ok) return { warning: `${read.error.message}. ${replaced}` };
  if (!weightsBelongTo(read.value, designText))
    return {
      warning: `${basename(path)} was saved with another version of ${basename(designPath)} (a save that was cut short?). ${replaced}`,
    };
  return { weights: read.value };
}

/**
 * Writes `weights` beside `designPath`, atomically, recording the hash of
 * `designText` (written next) as the design they belong to; with null, removes a
 * weights file left there, since the document no longer has pretrained
 * weights and `train` must not pick up stale ones.
 */
export async function writeDesignWeights(
  designPath: string,
  designText: string,
  weights: Uint8Array | null,
): Promise<FileResult<void>> {
  const path = weightsPathFor(designPath);
  if (weights) return writeFileAtomic(path, withDesignHash(weights, designHash(designText)));
  try {
    await unlink(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      return {
        ok: false,
        error: { type: 'io', message: `${basename(path)} could not be removed (${code})` },
      };
  }
  return { ok: true, value: undefined };
}
