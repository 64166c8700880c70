/**
 * A design's weights as a file beside it: safetensors keyed `nodeId/role`
 * (the keys of buildNetwork's `initialWeights` and snapshotWeights), so an
 * imported model's weights travel with its design. The same bytes cross
 * process boundaries (an upload, IPC) when the app holds the weights.
 */
import { readFile, stat } from 'node:fs/promises';
import { MAX_WEIGHTS_BYTES } from '../../../src-shared/weights-file';
import type { WeightValues } from '../model/network';
import { decodeSafetensors, encodeSafetensors } from '../export/safetensors';
import { writeAtomically } from '../export/save-tfjs';

/** The safetensors bytes of `weights`. */
export function encodeWeightValues(weights: WeightValues): Uint8Array {
  const tensors = [...weights].map(([name, w]) => ({
    name,
    dtype: 'F32' as const,
    shape: w.shape,
    data: w.values,
  }));
  return encodeSafetensors(tensors, { format: 'backflow.weights' });
}

/**
 * Weights from safetensors bytes; throws a plain message when they are
 * malformed. Only float32 tensors are weights: anything else is refused by
 * name rather than skipped, so a file never half-applies.
 */
export function decodeWeightValues(bytes: Uint8Array): WeightValues {
  if (bytes.length > MAX_WEIGHTS_BYTES) {
    throw new Error(
      `${bytes.length} bytes is more than the ${MAX_WEIGHTS_BYTES >> 20} MB a weights file may be`,
    );
  }
  const { tensors } = decodeSafetensors(bytes);
  const out = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  for (const t of tensors) {
    if (t.dtype !== 'F32') throw new Error(`tensor "${t.name}" is ${t.dtype}; weights are float32 (F32)`);
    out.set(t.name, { shape: t.shape, values: t.data as Float32Array });
  }
  return out;
}

/** Writes `weights` to `path` (atomically). */
export async function writeWeightValues(path: string, weights: WeightValues): Promise<void> {
  await writeAtomically(path, encodeWeightValues(weights));
}

/** Reads a file written by {@link writeWeightValues}; throws a plain message when it is malformed or too large. */
export async function readWeightValues(path: string): Promise<WeightValues> {
  const { size } = await stat(path);
  if (size > MAX_WEIGHTS_BYTES) {
    throw new Error(`it is ${size} bytes, more than the ${MAX_WEIGHTS_BYTES >> 20} MB a weights file may be`);
  }
  return decodeWeightValues(new Uint8Array(await readFile(path)));
}
