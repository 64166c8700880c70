/**
 * A design's weights as a file beside it: safetensors keyed `nodeId/role`
 * (the keys of buildNetwork's `initialWeights` and snapshotWeights), so an
 * imported model's weights travel with its design.
 */
import { readFile } from 'node:fs/promises';
import type { WeightValues } from '../model/network';
import { decodeSafetensors, encodeSafetensors } from '../export/safetensors';
import { writeAtomically } from '../export/save-tfjs';

/** Writes `weights` to `path` (atomically). */
export async function writeWeightValues(path: string, weights: WeightValues): Promise<void> {
  const tensors = [...weights].map(([name, w]) => ({
    name,
    dtype: 'F32' as const,
    shape: w.shape,
    data: w.values,
  }));
  await writeAtomically(path, encodeSafetensors(tensors, { format: 'backflow.weights' }));
}

/** Reads a file written by {@link writeWeightValues}; throws a plain message when it is malformed. */
export async function readWeightValues(path: string): Promise<WeightValues> {
  const { tensors } = decodeSafetensors(new Uint8Array(await readFile(path)));
  return new Map(
    tensors
      .filter((t) => t.dtype === 'F32')
      .map((t) => [t.name, { shape: t.shape, values: t.data as Float32Array }]),
  );
}
