/**
 * The FileHost in a browser (`backflow serve`): a page cannot touch the disk,
 * so opening is an upload through the browser's file chooser and saving is a
 * download. There are no paths, hence no recent files and no autosave. A
 * design's pretrained weights travel as a second file (downloaded beside the
 * design, chosen together with it); an export is one .zip download.
 */
import { MAX_DESIGN_SIZE } from '../../../../src-shared/design/index';
import { MAX_UPLOAD_BYTES } from '../../../../src-shared/protocol-checks';
import type { FilePayload } from '../../../../src-shared/protocol';
import { MAX_WEIGHTS_BYTES, WEIGHTS_FILE_SUFFIX, weightsPathFor } from '../../../../src-shared/weights-file';
import { createZip } from '../../../../src-shared/zip';
import { readPickedFile, type FileHost, type FileResult, type OpenedFile } from './host';

export const DESIGN_ACCEPT = '.json,.backflow.json,application/json';
/** What File → Import offers: model JSON, tfjs weight shards, safetensors, Keras .keras and .h5 models, ONNX, and an export's .zip. */
export const MODEL_ACCEPT =
  '.json,.bin,.safetensors,.keras,.h5,.hdf5,.onnx,.zip,application/json,application/octet-stream,application/zip';

/** Shows the browser's file chooser; resolves with the chosen files (none when it is dismissed). */
function chooseFiles(doc: Document, accept: string, multiple: boolean): Promise<File[]> {
  return new Promise((resolve) => {
    const input = doc.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.multiple = multiple;
    input.hidden = true;
    const done = (files: File[]) => {
      input.remove();
      resolve(files);
    };
    input.addEventListener('change', () => done(Array.from(input.files ?? [])), { once: true });
    input.addEventListener('cancel', () => done([]), { once: true });
    doc.body.append(input);
    input.click();
  });
}

/** Hands `content` to the browser as a download named `fileName`. */
export function download(
  doc: Document,
  content: string | Uint8Array,
  fileName: string,
  type = 'application/json',
): void {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // Revoke later: the download starts asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const noPaths: FileResult<OpenedFile> = {
  ok: false,
  error: { type: 'notAllowed', message: 'a browser cannot reopen files by path' },
};
const canceled = { ok: false, error: { type: 'canceled', message: 'canceled' } } as const;

/**
 * A design chosen in the file chooser, with its weights file when one was
 * chosen together with it (`deep.weights.safetensors` beside `deep.backflow.json`).
 */
export async function readDesignWithWeights(files: readonly File[]): Promise<FileResult<OpenedFile>> {
  const design = files.find((f) => !f.name.endsWith(WEIGHTS_FILE_SUFFIX)) ?? files[0];
  const read = await readPickedFile(design, MAX_DESIGN_SIZE);
  if (!read.ok) return read;
  const weightsFile =
    files.find((f) => f.name === weightsPathFor(design.name)) ??
    files.find((f) => f !== design && f.name.endsWith(WEIGHTS_FILE_SUFFIX));
  if (!weightsFile) return read;
  if (weightsFile.size > MAX_WEIGHTS_BYTES)
    return tooLarge(`${weightsFile.name} is larger than ${MAX_WEIGHTS_BYTES >> 20} MB`);
  return { ok: true, value: { ...read.value, weights: new Uint8Array(await weightsFile.arrayBuffer()) } };
}

/** The chosen model files as bytes, within what one import may carry. */
export async function readModelFiles(files: readonly File[]): Promise<FileResult<FilePayload[]>> {
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_UPLOAD_BYTES)
    return tooLarge(`the chosen files are larger than ${MAX_UPLOAD_BYTES >> 20} MB`);
  try {
    return {
      ok: true,
      value: await Promise.all(
        files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
      ),
    };
  } catch {
    return { ok: false, error: { type: 'io', message: 'the chosen files could not be read' } };
  }
}

function tooLarge(message: string): FileResult<never> {
  return { ok: false, error: { type: 'tooLarge', message } };
}

export function createBrowserFileHost(doc: Document = document): FileHost {
  const saveByDownload = async (text: string, fileName: string, weights: Uint8Array | null) => {
    download(doc, text, fileName);
    if (weights) download(doc, weights, weightsPathFor(fileName), 'application/octet-stream');
    return { ok: true, value: { fileName, path: '' } } as const;
  };
  return {
    kind: 'browser',
    async open() {
      const files = await chooseFiles(doc, `${DESIGN_ACCEPT},.safetensors`, true);
      return files.length ? readDesignWithWeights(files) : canceled;
    },
    openPath: async () => noPaths,
    openFile: (file) => readPickedFile(file, MAX_DESIGN_SIZE),
    save: saveByDownload,
    // The browser asks where to save only if its user set it to; Save As names the download the same way.
    saveAs: saveByDownload,
    async chooseModelFiles() {
      const files = await chooseFiles(doc, MODEL_ACCEPT, true);
      return files.length ? readModelFiles(files) : canceled;
    },
    async saveExport(model, suggestedName) {
      const fileName = `${suggestedName}.zip`;
      download(doc, createZip(model.files), fileName, 'application/zip');
      return { ok: true, value: { fileName, path: '' } };
    },
    newDocument: async () => {},
    recent: async () => [],
    clearRecent: async () => {},
    confirmDiscard: async (name) =>
      // A page can only ask OK/Cancel; saving first is a download the user starts themselves.
      doc.defaultView?.confirm(`Discard the unsaved changes to ${name}?`) ? 'discard' : 'cancel',
    setState: () => {},
    autosave: () => {},
    startup: async () => ({ recovery: null, openPath: null }),
    restoreRecovery: async () => noPaths,
    discardRecovery: async () => {},
    onCommand: () => () => {},
    closeWindow: () => {},
  };
}
