/** `backflow validate <design>`: is this design trainable, and if not, what and where. */
import { formatCount, formatShape } from '../../../src-shared/graph';
import { formatBytes } from '../../../src-shared/graph/memory-estimate';
import type { BackendName } from '../../engine/backend/backend';
import { autoBackendWithoutLoading } from '../../engine/backend/native-addon';
import { checkRunMemory, estimateRunMemory, prepareRunFromFile } from '../../engine/prepare-run';
import { EXIT, type CliIO } from '../io';

export async function validateCommand(
  path: string,
  _values: Record<string, unknown>,
  io: CliIO,
): Promise<number> {
  const prepared = await prepareRunFromFile(path);
  if (!prepared.ok) {
    io.err(`${path}: ${prepared.error.message}\n`);
    return EXIT.failed;
  }
  const { design, analysis, data } = prepared.value;
  // Trainable also means "fits": measured against the backend `train` would pick here. Where that
  // is certain from the files alone (no native binding), TensorFlow.js is not loaded at all.
  let backend: { name: BackendName; variant: string };
  const predicted = autoBackendWithoutLoading();
  if (predicted) backend = { name: predicted, variant: predicted };
  else {
    try {
      const { initBackend } = await import('../../engine/backend/backend');
      backend = await initBackend('auto');
    } catch (error) {
      io.err(`backflow validate: ${(error as Error).message}\n`);
      return EXIT.failed;
    }
  }
  const tooLarge = checkRunMemory(prepared.value, backend.name);
  if (tooLarge) {
    io.err(`${path}: ${tooLarge.message}\n`);
    return EXIT.failed;
  }
  const memory = estimateRunMemory(prepared.value);
  const layers = analysis.order.length;
  io.out(
    `${path}: ok — "${design.name}", ${layers} nodes, ${formatCount(analysis.totalParams)} weights, ` +
      `input ${formatShape(data.inputShape)} → ${data.outputUnits} ${data.task === 'classification' ? 'classes' : 'targets'}, ` +
      `about ${formatBytes(memory.totalBytes)} to train on ${backend.variant} (batch ${memory.batchSize})\n`,
  );
  return EXIT.ok;
}
