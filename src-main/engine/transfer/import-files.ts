/**
 * Importing a model from uploaded files (browser mode's file picker, or the
 * files main read beside a chosen model.json): they are written into a
 * private temporary folder under their (already checked) bare names, the
 * model is imported from there by the same code as `backflow import`, and
 * the folder is removed. Messages name the uploaded files, never the folder.
 * A single .zip (browser mode's export download) is imported as its contents.
 */
import { open } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { serializeDesign } from '../../../src-shared/design';
import type { EngineResult, FilePayload, ImportedDesign } from '../../../src-shared/protocol';
import { KERAS_FILES } from '../export/keras';
import { BINARY_MODEL_EXTENSIONS, encodeWeightValues, importModelFile } from '../import';
import { unpackExportZip } from './export-zip';
import { withTempDir } from './temp-dir';

/** Imports the model among `files` (names checked by parseEngineRequest); never throws. */
export async function importUploadedFiles(
  uploaded: readonly FilePayload[],
): Promise<EngineResult<ImportedDesign>> {
  // The .zip a browser export downloads, chosen as it is.
  const files = unpackExportZip(uploaded);
  if (typeof files === 'string') return failure('file', files);
  const model = pickModelFile(files);
  if (typeof model === 'string') return failure('file', model);
  const needed = isBinaryModel(model.name) ? [] : weightFilesOf(model);
  if (typeof needed === 'string') return failure('file', needed);
  const names = new Set(files.map((f) => f.name));
  const missing = needed.find((name) => !names.has(name));
  if (missing !== undefined) {
    return failure(
      'file',
      missing.includes('/')
        ? `${model.name} reads its weights from "${missing}", inside a folder: put the weight files beside ${model.name} and choose them together`
        : `${model.name} needs its weights file "${missing}": choose it together with ${model.name}`,
    );
  }
  return withTempDir('upload', async (dir) => {
    for (const file of files) await writeNew(join(dir, file.name), file.bytes);
    const result = await importModelFile(join(dir, model.name));
    const hide = (message: string) => message.split(`${dir}/`).join('').split(dir).join('the upload');
    if (!result.ok) return failure(result.error.type, hide(result.error.message));
    const { design, weights, warnings } = result.value;
    const used = new Set([
      model.name,
      ...needed,
      ...(weights && !needed.length ? [KERAS_FILES.weights] : []),
    ]);
    const unused = files.filter((f) => !used.has(f.name)).map((f) => f.name);
    const notes = [...warnings.map(hide)];
    if (!weights) notes.push('the model has no weights: training starts from the seeded initial weights');
    if (unused.length) notes.push(`not used: ${unused.join(', ')}`);
    return {
      ok: true,
      value: {
        designText: serializeDesign(design),
        weights: weights ? encodeWeightValues(weights) : null,
        tensorCount: weights?.size ?? 0,
        modelFile: model.name,
        warnings: notes,
      },
    };
  });
}

const isBinaryModel = (name: string) =>
  BINARY_MODEL_EXTENSIONS.some((extension) => name.toLowerCase().endsWith(extension));

/**
 * The model among the files: a `.keras`, `.h5` or `.onnx` file when it is the
 * only file, else the only `.json`, or `model.json` among several; else why not.
 */
function pickModelFile(files: readonly FilePayload[]): FilePayload | string {
  const binary = files.filter((f) => isBinaryModel(f.name));
  if (binary.length === 1 && files.length === 1) return binary[0];
  if (binary.length) {
    return `${binary.map((f) => f.name).join(', ')} holds a whole model: choose it alone`;
  }
  const json = files.filter((f) => /\.json$/i.test(f.name));
  if (json.length === 1) return json[0];
  const named = json.find((f) => f.name.toLowerCase() === 'model.json');
  if (named) return named;
  const chosen = files.map((f) => f.name).join(', ');
  return json.length === 0
    ? `no model file among ${chosen}: choose a .keras, .h5 or .onnx model, or a model.json with its weight files`
    : `several model files (${json.map((f) => f.name).join(', ')}): choose one model.json with its weight files`;
}

/**
 * The weight files a TensorFlow.js model.json names in its weightsManifest
 * (normalized, `./a.bin` → `a.bin`); none for a Keras JSON. A file that is
 * not JSON is left to the importer, whose message says so.
 */
function weightFilesOf(model: FilePayload): string[] | string {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(model.bytes));
  } catch {
    return [];
  }
  const manifest = (document as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return [];
  const paths: string[] = [];
  for (const group of manifest) {
    const list = (group as { paths?: unknown } | null)?.paths;
    if (!Array.isArray(list)) return `the weightsManifest of ${model.name} is malformed`;
    for (const path of list) paths.push(posix.normalize(String(path)));
  }
  return paths;
}

/** Writes a file that must not exist yet (never follows a link planted in the folder). */
async function writeNew(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
}

function failure(type: 'file' | 'model', message: string): EngineResult<never> {
  return { ok: false, error: { type, message } };
}
