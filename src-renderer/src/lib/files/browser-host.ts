/**
 * The FileHost in a browser (`backflow serve`): a page cannot touch the disk,
 * so opening is an upload through the browser's file chooser and saving is a
 * download. There are no paths, hence no recent files and no autosave.
 */
import { MAX_DESIGN_SIZE } from '../../../../src-shared/design/index';
import { readPickedFile, type FileHost, type FileResult, type OpenedFile } from './host';

export const DESIGN_ACCEPT = '.json,.backflow.json,application/json';

/** Shows the browser's file chooser; resolves with the file, or null when it is dismissed. */
function chooseFile(doc: Document): Promise<File | null> {
  return new Promise((resolve) => {
    const input = doc.createElement('input');
    input.type = 'file';
    input.accept = DESIGN_ACCEPT;
    input.hidden = true;
    const done = (file: File | null) => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => done(null), { once: true });
    doc.body.append(input);
    input.click();
  });
}

/** Hands `text` to the browser as a download named `fileName`. */
export function download(doc: Document, text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
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

export function createBrowserFileHost(doc: Document = document): FileHost {
  const canceled = { ok: false, error: { type: 'canceled', message: 'canceled' } } as const;
  const saveByDownload = async (text: string, fileName: string) => {
    download(doc, text, fileName);
    return { ok: true, value: { fileName, path: '' } } as const;
  };
  return {
    kind: 'browser',
    async open() {
      const file = await chooseFile(doc);
      return file ? readPickedFile(file, MAX_DESIGN_SIZE) : canceled;
    },
    openPath: async () => noPaths,
    openFile: (file) => readPickedFile(file, MAX_DESIGN_SIZE),
    save: saveByDownload,
    // The browser asks where to save only if its user set it to; Save As names the download the same way.
    saveAs: saveByDownload,
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
