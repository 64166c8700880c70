/**
 * The file channels on Electron's IPC: each request is checked for its
 * sender (only the app's own top frame) before the file service sees the
 * payload, and every answer is a FileResult, never a thrown error.
 */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { MAX_PATH_LENGTH, FILE_CHANNELS, type FileChannelName } from '../../src-shared/files-protocol';
import type { FileService } from './file-service';
import { BadRequest, expectPath, expectRecord } from './ipc-guard';

export interface FilesIpcOptions {
  service: FileService;
  isTrustedSender(event: IpcMainEvent | IpcMainInvokeEvent): boolean;
}

const untrusted = { ok: false, error: { type: 'notAllowed', message: 'request from an unknown frame' } };

export function createFilesIpc({ service, isTrustedSender }: FilesIpcOptions) {
  const handler = (name: FileChannelName) => (event: IpcMainInvokeEvent, payload: unknown) =>
    isTrustedSender(event) ? service.handle(name, payload) : Promise.resolve(untrusted);

  /**
   * A drop on the window, reported by the preload from the dropped File
   * objects (never by the page). Only the first `.json` file is opened.
   */
  const onDropped = (event: IpcMainEvent, payload: unknown) => {
    if (!isTrustedSender(event)) return;
    try {
      const { paths } = expectRecord(payload, ['paths']);
      if (!Array.isArray(paths) || paths.length > 100) return;
      const first = paths.find(
        (p) => typeof p === 'string' && p.length <= MAX_PATH_LENGTH && /\.json$/i.test(p),
      );
      if (first !== undefined) service.requestOpen(expectPath(first));
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
    }
  };

  return {
    attach(ipc: Pick<IpcMain, 'handle' | 'on'>, droppedChannel: string) {
      for (const name of Object.keys(FILE_CHANNELS) as FileChannelName[])
        ipc.handle(FILE_CHANNELS[name], handler(name));
      ipc.on(droppedChannel, onDropped);
    },
    /** Exposed for tests. */
    handler,
    onDropped,
  };
}
