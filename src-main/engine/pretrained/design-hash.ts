/**
 * The hash that ties a weights file to the design saved with it
 * (src-shared/weights-file.ts `DESIGN_HASH_KEY`): the app records it when it
 * saves the pair; the app and the CLI check it before using the weights.
 */
import { createHash } from 'node:crypto';
import { designHashIn } from '../../../src-shared/weights-file';

/** The hex SHA-256 of a design file's text. */
export const designHash = (designText: string): string =>
  createHash('sha256').update(designText, 'utf8').digest('hex');

/** True unless the weights record a design hash that is not `designText`'s (none recorded: they fit any). */
export function weightsBelongTo(weights: Uint8Array, designText: string): boolean {
  const recorded = designHashIn(weights);
  return recorded === null || recorded === designHash(designText);
}
