/**
 * `backflow export <design> --format tfjs|keras|pytorch|onnx --out DIR [--seed S]`:
 * the model `train --seed S` starts from, with its initial weights (the
 * pretrained ones when a weights file sits beside the design).
 */
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { initBackend } from '../../engine/backend/backend';
import { EXPORT_FORMATS, type ExportFormat } from '../../../src-shared/protocol';
import { exportDesign } from '../../engine/export';
import { prepareRunFromFile } from '../../engine/prepare-run';
import { printJson, reportFailure, reportRunError } from '../diagnostics';
import { EXIT, UsageError, type CliIO } from '../io';
import { backendOption, intOption } from '../options';
import { describeFsError, prepareOutputFolder, removeCreated } from '../output-folder';
import { describePretrained, pretrainedWeightsFor } from '../pretrained';

const WHAT: Record<ExportFormat, string> = {
  tfjs: 'TensorFlow.js LayersModel (model.json + weights.bin)',
  keras: 'Keras 3 archive (model.keras: config.json, metadata.json, model.weights.h5)',
  pytorch: 'PyTorch module (model.py + weights.safetensors)',
  onnx: 'standard ONNX model (opset 17, model.onnx)',
};

/** Runs the command; resolves to the exit code. */
export async function exportCommand(
  path: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<number> {
  const format = values.format;
  if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  }
  if (typeof values.out !== 'string') throw new UsageError('--out DIR is required');
  const seed = intOption(values, 'seed', 0, 2 ** 32 - 1);
  const json = values.json === true;
  const prepared = await prepareRunFromFile(path, { seed });
  if (!prepared.ok) return reportRunError(io, json, path, prepared.error);
  const { design, analysis } = prepared.value;
  const runSeed = seed ?? design.training.seed;
  await initBackend(backendOption(values));
  const pretrained = await pretrainedWeightsFor(path, design, analysis);
  if (!pretrained.ok) return reportFailure(io, json, [{ message: pretrained.message }]);
  if (pretrained.value) io.err(describePretrained(pretrained.value));
  const folder = await prepareOutputFolder(resolve(io.cwd, values.out), '--out');
  if (!folder.ok) {
    if (folder.usage) throw new UsageError(folder.message);
    return reportFailure(io, json, [{ message: `backflow export: ${folder.message}` }]);
  }
  const { dir } = folder;
  try {
    await exportDesign(design, analysis, runSeed, format as ExportFormat, dir, {
      initialWeights: pretrained.value?.weights,
    });
  } catch (error) {
    await removeCreated(folder.created);
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string') throw error; // not the file system: a defect, reported as such
    return reportFailure(io, json, [
      { message: `backflow export: cannot write to ${dir}: ${describeFsError(error)}` },
    ]);
  }
  if (json) {
    printJson(io, {
      ok: true,
      file: path,
      design: design.name,
      format,
      seed: runSeed,
      pretrained: Boolean(pretrained.value),
      dir,
      files: (await readdir(dir, { recursive: true })).sort(),
    });
    return EXIT.ok;
  }
  const weights = pretrained.value ? 'pretrained weights' : `seed ${runSeed}, initial weights`;
  io.out(`exported "${design.name}" (${weights}) as a ${WHAT[format as ExportFormat]} to ${dir}\n`);
  return EXIT.ok;
}
