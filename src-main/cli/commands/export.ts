/** `backflow export <design> --format tfjs --out DIR [--seed S]`: the model `train --seed S` starts from. */
import { resolve } from 'node:path';
import { initBackend } from '../../engine/backend/backend';
import { toLayersModel } from '../../engine/export/layers-model';
import { saveLayersModel } from '../../engine/export/save-tfjs';
import { buildNetwork } from '../../engine/model/network';
import { prepareRunFromFile } from '../../engine/prepare-run';
import { EXIT, UsageError, type CliIO } from '../io';
import { backendOption, intOption } from '../options';
import { safeName } from './train';

const FORMATS = ['tfjs', 'keras', 'pytorch'];

export async function exportCommand(
  path: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<number> {
  const format = values.format;
  if (typeof format !== 'string' || !FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  }
  if (typeof values.out !== 'string') throw new UsageError('--out DIR is required');
  if (format !== 'tfjs') {
    io.err(`backflow export: --format ${format} is not available in this version yet; use --format tfjs.\n`);
    return EXIT.usage;
  }
  const seed = intOption(values, 'seed', 0, 2 ** 32 - 1);
  const prepared = await prepareRunFromFile(path, { seed });
  if (!prepared.ok) {
    io.err(`${path}: ${prepared.error.message}\n`);
    return EXIT.failed;
  }
  const { design, analysis } = prepared.value;
  const runSeed = seed ?? design.training.seed;
  await initBackend(backendOption(values));
  const network = buildNetwork(design, analysis, runSeed);
  try {
    const dir = resolve(io.cwd, values.out);
    const model = toLayersModel(network, safeName(design.name));
    await saveLayersModel(model, dir, { backflow: { design: design.name, seed: runSeed, trained: false } });
    model.dispose();
    io.out(`exported "${design.name}" (seed ${runSeed}, initial weights) to ${dir}\n`);
    return EXIT.ok;
  } finally {
    network.dispose();
  }
}
