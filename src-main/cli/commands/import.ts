/**
 * `backflow import <model> --out design.backflow.json`: a TensorFlow.js
 * LayersModel, Keras JSON, Keras 3 `.keras`, Keras 2 `.h5` or ONNX model, or
 * the `.zip` that browser mode's Export downloads, as a Backflow design. The
 * weights, when the model has them, are written beside it as
 * `<name>.weights.safetensors`.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseDesign, serializeDesign } from '../../../src-shared/design';
import { MAX_UPLOAD_BYTES } from '../../../src-shared/protocol-checks';
import { weightsPathFor } from '../../../src-shared/weights-file';
import {
  decodeWeightValues,
  importModelFile,
  type ImportResult,
  writeWeightValues,
} from '../../engine/import';
import { importUploadedFiles } from '../../engine/transfer/import-files';
import { EXIT, UsageError, type CliIO } from '../io';

/** Runs the command; resolves to the exit code. */
export async function importCommand(
  path: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<number> {
  if (typeof values.out !== 'string') throw new UsageError('--out design.backflow.json is required');
  const out = resolve(io.cwd, values.out);
  const file = resolve(io.cwd, path);
  const result = /\.zip$/i.test(file) ? await importExportZip(file) : await importModelFile(file);
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

/**
 * A browser export's .zip, imported as the app imports it (the same checks on
 * its members), with the answer turned back into what `importModelFile` gives.
 */
async function importExportZip(path: string): Promise<ImportResult> {
  let bytes: Uint8Array;
  try {
    const { size } = await stat(path);
    if (size > MAX_UPLOAD_BYTES)
      throw new Error(`it is ${size} bytes, more than the ${MAX_UPLOAD_BYTES >> 20} MB an export may be`);
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    return {
      ok: false,
      error: { type: 'file', message: `cannot read ${path}: ${(error as Error).message}` },
    };
  }
  const result = await importUploadedFiles([{ name: basename(path), bytes }]);
  if (!result.ok) {
    const type = result.error.type === 'model' ? 'model' : 'file';
    return { ok: false, error: { type, message: result.error.message } };
  }
  const parsed = parseDesign(result.value.designText);
  if (!parsed.ok)
    return { ok: false, error: { type: 'model', message: 'the imported design does not parse' } };
  const { weights, warnings } = result.value;
  return {
    ok: true,
    value: {
      design: parsed.design,
      ...(weights ? { weights: decodeWeightValues(weights) } : {}),
      warnings,
    },
  };
}
