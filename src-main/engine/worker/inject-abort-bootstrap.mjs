// Test support: the engine worker of worker-bootstrap.mjs, whose backend breaks part-way
// through a run of a design named ABORT_DESIGN_NAME (see inject-abort.ts).
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { ABORT_DESIGN_NAME, breakBackendAfter } = await import('./inject-abort.ts');
// The entry first: its listener starts the port, and messages that came before must reach it.
// This one runs right after it, before the run's first kernel (the run starts after awaits).
await import('./worker-entry.ts');
parentPort.on('message', (message) => {
  if (message?.type !== 'train.start') return;
  let name;
  try {
    name = JSON.parse(message.designText).name;
  } catch {
    return;
  }
  if (name === ABORT_DESIGN_NAME) breakBackendAfter(400);
});
