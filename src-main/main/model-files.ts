/**
 * File → Import… and File → Export… on disk. Import: main reads the model the
 * user chose and the weight files it names, which must sit beside it (a
 * model.json cannot make main read anything else); the engine then imports
 * the bytes as it does a browser upload. Export: main writes the files the
 * engine returned into the folder the user chose, each atomically, under
 * names that cannot leave that folder.
 */
import { basename, dirname, join, posix, resolve } from 'node:path';
import type { FileResult, SavedFile } from '../../src-shared/files-protocol';
import type { FilePayload } from '../../src-shared/protocol';
import { fileNameProblem, MAX_UPLOAD_BYTES } from '../../src-shared/protocol-checks';
import { exists, readBytesCapped, writeFileAtomic } from './files';

/** Model files that carry their weights inside (the engine's BINARY_MODEL_EXTENSIONS). */
const WHOLE_MODEL = /\.(keras|h5|hdf5|onnx)$/i;

/** What a Keras JSON export carries its weights in (src-main/engine/export/keras.ts). */
const KERAS_WEIGHTS = 'weights.safetensors';

/** The model at `modelPath` with its weight files, as the engine's `import.model` takes them. */
export async function readModelFiles(modelPath: string): Promise<FileResult<FilePayload[]>> {
  const dir = dirname(modelPath);
  let budget = MAX_UPLOAD_BYTES;
  const read = async (path: string): Promise<FileResult<FilePayload>> => {
    const name = basename(path);
    const problem = fileNameProblem(name);
    if (problem) return { ok: false, error: { type: 'io', message: problem } };
    const bytes = await readBytesCapped(path, budget, 'too large to import');
    if (!bytes.ok) return bytes;
    budget -= bytes.value.length;
    return { ok: true, value: { name, bytes: bytes.value } };
  };
  const model = await read(modelPath);
  if (!model.ok) return model;
  // A .keras, .h5 or .onnx file holds its weights: nothing beside it is read.
  if (WHOLE_MODEL.test(model.value.name)) return { ok: true, value: [model.value] };
  const weights = weightFilesOf(model.value);
  if (!weights.ok) return weights;
  const files = [model.value];
  for (const name of weights.value) {
    const path = join(dir, name);
    if (!(await exists(path))) {
      if (name === KERAS_WEIGHTS) continue; // a Keras topology may come without weights
      return {
        ok: false,
        error: { type: 'io', message: `${model.value.name} needs ${name} beside it, and it is not there` },
      };
    }
    const file = await read(path);
    if (!file.ok) return file;
    files.push(file.value);
  }
  return { ok: true, value: files };
}

/**
 * The files a model names beside itself: a tfjs model.json's weightsManifest
 * paths, else the Keras export's weights.safetensors. A path that leaves the
 * folder is refused; JSON that does not parse is left to the engine to report.
 */
function weightFilesOf(model: FilePayload): FileResult<string[]> {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(model.bytes).toString('utf8'));
  } catch {
    return { ok: true, value: [] };
  }
  const manifest = (document as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return { ok: true, value: [KERAS_WEIGHTS] };
  const names: string[] = [];
  for (const group of manifest) {
    const paths = (group as { paths?: unknown } | null)?.paths;
    for (const path of Array.isArray(paths) ? paths : []) {
      const name = posix.normalize(String(path));
      if (fileNameProblem(name) !== null) {
        const shown = JSON.stringify(String(path).slice(0, 80));
        return {
          ok: false,
          error: {
            type: 'io',
            message: `${model.name} reads its weights from ${shown}, not a file beside it: Backflow reads only files in the model's folder`,
          },
        };
      }
      if (!names.includes(name)) names.push(name);
    }
  }
  return { ok: true, value: names };
}

/** Writes an export's files (names already checked) into `folder`, each atomically. */
export async function writeExportFiles(
  folder: string,
  files: readonly FilePayload[],
): Promise<FileResult<SavedFile>> {
  const root = resolve(folder);
  for (const file of files) {
    const target = join(root, file.name);
    // Checked names have no folder part; this holds even if a check is ever loosened.
    if (dirname(target) !== root) {
      return { ok: false, error: { type: 'badRequest', message: `${file.name} would leave the folder` } };
    }
    const written = await writeFileAtomic(target, file.bytes);
    if (!written.ok) return written;
  }
  return { ok: true, value: { fileName: basename(root), path: root } };
}
