/**
 * Writing a network as a PyTorch module: `model.py` (readable source, see
 * pytorch-source.ts) and `weights.safetensors` (its state dict).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Network } from '../model/network';
import { pythonNames } from './naming';
import { torchStateDict } from './pytorch-layers';
import { pytorchSource, type PytorchSourceInfo } from './pytorch-source';
import { encodeSafetensors } from './safetensors';
import { writeAtomically } from './save-tfjs';

/** File names inside a PyTorch export folder. */
export const PYTORCH_FILES = { module: 'model.py', weights: 'weights.safetensors' } as const;

/**
 * Writes `model.py` and `weights.safetensors` into `dir` (created if
 * missing), with the network's current weights. Returns the paths written.
 */
export async function savePytorchModel(
  network: Network,
  dir: string,
  info: Omit<PytorchSourceInfo, 'weightsFile'>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names = pythonNames(network.nodes.map((n) => n.id));
  const weights = encodeSafetensors(torchStateDict(network, names), {
    format: 'pt',
    generator: 'Backflow',
    design: info.designName,
  });
  const source = pytorchSource(network, { ...info, weightsFile: PYTORCH_FILES.weights });
  const paths = [join(dir, PYTORCH_FILES.weights), join(dir, PYTORCH_FILES.module)];
  await writeAtomically(paths[0], weights);
  await writeAtomically(paths[1], source);
  return paths;
}
