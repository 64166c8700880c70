/**
 * An export as bytes rather than a folder: the app downloads the files
 * (browser mode) or main writes them where the user chose (Electron), so the
 * engine writes into a private temporary folder, reads the files back and
 * removes the folder. Backflow's own weights file is encoded in memory: the
 * GPU engine (a browser page, engine/browser/) has no folders, and that is
 * the one export it is asked for (main makes the other formats from it).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { EngineExportFormat, ExportedModel } from '../../../src-shared/protocol';
import { exportNetwork, WEIGHTS_EXPORT_FILE, type ExportInfo } from '../export';
import { encodeWeightValues } from '../import/weight-file';
import { readWeightsAhead, snapshotWeights, type Network } from '../model/network';
import { withTempDir } from './temp-dir';

/** Exports `network` (left untouched) as files by value. */
export function exportAsFiles(
  network: Network,
  format: EngineExportFormat,
  info: ExportInfo,
): Promise<ExportedModel> {
  if (format === 'weights') return weightsFile(network, info);
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

async function weightsFile(network: Network, info: ExportInfo): Promise<ExportedModel> {
  // WebGPU reads only asynchronously; snapshotWeights reads synchronously.
  await readWeightsAhead(network);
  const bytes = encodeWeightValues(snapshotWeights(network));
  const files = [{ name: WEIGHTS_EXPORT_FILE, bytes }];
  return { format: 'weights', designName: info.designName, trained: info.trained, files };
}
