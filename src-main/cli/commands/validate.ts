/**
 * `backflow validate <design> [--json]`: is this design trainable, and if
 * not, what and where (`file:line:column: message`, one problem a line).
 */
import { formatCount, formatShape } from '../../../src-shared/graph';
import { formatBytes } from '../../../src-shared/graph/memory-estimate';
import type { BackendName } from '../../engine/backend/backend';
import { autoBackendWithoutLoading } from '../../engine/backend/native-addon';
import { checkRunMemory, estimateRunMemory, prepareRunFromFile } from '../../engine/prepare-run';
import { printJson, reportFailure, reportRunError } from '../diagnostics';
import { EXIT, type CliIO } from '../io';

export async function validateCommand(
  path: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<number> {
  const json = values.json === true;
  const prepared = await prepareRunFromFile(path);
  if (!prepared.ok) return reportRunError(io, json, path, prepared.error);
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
      return reportFailure(io, json, [{ message: `backflow validate: ${(error as Error).message}` }]);
    }
  }
  const tooLarge = checkRunMemory(prepared.value, backend.name);
  if (tooLarge) return reportRunError(io, json, path, tooLarge);
  const memory = estimateRunMemory(prepared.value);
  const layers = analysis.order.length;
  if (json) {
    printJson(io, {
      ok: true,
      file: path,
      design: design.name,
      nodes: layers,
      weights: analysis.totalParams,
      inputShape: data.inputShape,
      outputUnits: data.outputUnits,
      task: data.task,
      backend: backend.variant,
      memoryBytes: memory.totalBytes,
      batchSize: memory.batchSize,
    });
    return EXIT.ok;
  }
  io.out(
    `${path}: ok — "${design.name}", ${layers} nodes, ${formatCount(analysis.totalParams)} weights, ` +
      `input ${formatShape(data.inputShape)} → ${data.outputUnits} ${data.task === 'classification' ? 'classes' : 'targets'}, ` +
      `about ${formatBytes(memory.totalBytes)} to train on ${backend.variant} (batch ${memory.batchSize})\n`,
  );
  return EXIT.ok;
}
