/** `backflow validate <design>`: is this design trainable, and if not, what and where. */
import { formatCount, formatShape } from '../../../src-shared/graph';
import { prepareRunFromFile } from '../../engine/prepare-run';
import { EXIT, type CliIO } from '../io';

export async function validateCommand(path: string, io: CliIO): Promise<number> {
  const prepared = await prepareRunFromFile(path);
  if (!prepared.ok) {
    io.err(`${path}: ${prepared.error.message}\n`);
    return EXIT.failed;
  }
  const { design, analysis, data } = prepared.value;
  const layers = analysis.order.length;
  io.out(
    `${path}: ok — "${design.name}", ${layers} nodes, ${formatCount(analysis.totalParams)} weights, ` +
      `input ${formatShape(data.inputShape)} → ${data.outputUnits} ${data.task === 'classification' ? 'classes' : 'targets'}\n`,
  );
  return EXIT.ok;
}
