/**
 * `backflow import <model> --out design.backflow.json`: a TensorFlow.js
 * LayersModel, Keras JSON, Keras 3 `.keras`, Keras 2 `.h5` or ONNX model
 * as a Backflow design. The weights, when
 * the model has them, are written beside it as `<name>.weights.safetensors`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { serializeDesign } from '../../../src-shared/design';
import { weightsPathFor } from '../../../src-shared/weights-file';
import { importModelFile, writeWeightValues } from '../../engine/import';
import { EXIT, UsageError, type CliIO } from '../io';

/** Runs the command; resolves to the exit code. */
export async function importCommand(
  path: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<number> {
  if (typeof values.out !== 'string') throw new UsageError('--out design.backflow.json is required');
  const out = resolve(io.cwd, values.out);
  const result = await importModelFile(resolve(io.cwd, path));
  if (!result.ok) {
    io.err(`${path}: ${result.error.message}\n`);
    return EXIT.failed;
  }
  const { design, weights, warnings } = result.value;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, serializeDesign(design));
  let weightsNote = ', without weights';
  if (weights) {
    const weightsPath = weightsPathFor(out);
    await writeWeightValues(weightsPath, weights);
    weightsNote = `; its weights (${weights.size} tensors) to ${weightsPath}`;
  }
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
  io.out(`imported "${design.name}" (${design.graph.nodes.length} nodes) to ${out}${weightsNote}\n`);
  return EXIT.ok;
}
