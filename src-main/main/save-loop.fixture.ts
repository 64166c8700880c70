/**
 * For save-pair.test.ts: saves a design and its weights over and over through
 * main's real file service, version after version, until killed. Version v
 * is the design with `training.epochs = v` and a weights file whose every
 * float is v, so a reader can tell which version each file holds.
 * Usage: tsx save-loop.fixture.ts <design path>
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDesign, serializeDesign } from '../../src-shared/design/index';
import { createAutosave } from './autosave';
import { createFileService } from './file-service';
import { loadRecentFiles } from './recent';
import { emptyTestDesign } from './test-design';

/** Safetensors bytes of one F32 tensor of 256 K values, all `value` (1 MB: a write takes a while). */
export function weightsOfVersion(value: number): Uint8Array {
  let json = JSON.stringify({ 'd1/kernel': { dtype: 'F32', shape: [262144], data_offsets: [0, 1048576] } });
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + 1048576);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(new Uint8Array(new Float32Array(262144).fill(value).buffer), 8 + head.length);
  return out;
}

export function designOfVersion(version: number): string {
  const design = emptyTestDesign('Pair');
  const parsed = parseDesign(
    serializeDesign({ ...design, training: { ...design.training, epochs: version } }),
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  return serializeDesign(parsed.design);
}

async function main(path: string): Promise<void> {
  const folder = join(path, '..');
  const service = createFileService({
    dialogs: {
      chooseOpen: async () => null,
      chooseSave: async () => path,
      confirmDiscard: async () => 'cancel',
      confirmOverwrite: async () => true,
      chooseFolder: async () => null,
      chooseModel: async () => null,
    },
    recent: await loadRecentFiles(join(folder, 'recent.json')),
    autosave: createAutosave(join(folder, 'autosave.json'), 0),
    send: () => {},
    closeWindow: () => {},
    onDocumentChange: () => {},
  });
  const first = await service.handle('saveAs', { text: designOfVersion(1), weights: weightsOfVersion(1) });
  if (!first.ok) throw new Error(first.error.message);
  process.stdout.write('ready\n');
  for (let version = 2; ; version++) {
    const saved = await service.handle('save', {
      text: designOfVersion(version),
      weights: weightsOfVersion(version),
    });
    if (!saved.ok) throw new Error(saved.error.message);
  }
}

// Run as a script only (the test imports the version helpers too).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main(process.argv[2]);
