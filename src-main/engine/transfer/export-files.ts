/**
 * An export as bytes rather than a folder: the app downloads the files
 * (browser mode) or main writes them where the user chose (Electron), so the
 * engine writes into a private temporary folder, reads the files back and
 * removes the folder.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { EngineExportFormat, ExportedModel } from '../../../src-shared/protocol';
import { exportNetwork, type ExportInfo } from '../export';
import type { Network } from '../model/network';
import { withTempDir } from './temp-dir';

/** Exports `network` (left untouched) as files by value. */
export function exportAsFiles(
  network: Network,
  format: EngineExportFormat,
  info: ExportInfo,
): Promise<ExportedModel> {
  return withTempDir('download', async (dir) => {
    const result = await exportNetwork(network, format, dir, info);
    const files = await Promise.all(
      result.files.map(async (path) => ({
        name: basename(path),
        bytes: new Uint8Array(await readFile(path)),
      })),
    );
    return { format, designName: info.designName, trained: info.trained, files };
  });
}
