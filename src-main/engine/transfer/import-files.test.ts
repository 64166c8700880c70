/**
 * Importing what browser mode's Export downloads: the .zip itself, chosen as
 * it is, imports like its unpacked files (Keras 3, ONNX and TensorFlow.js),
 * and a .zip that is not such an export says what to do instead.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDesign } from '../../../src-shared/design';
import type { EngineExportFormat } from '../../../src-shared/protocol';
import { createZip } from '../../../src-shared/zip';
import { initBackend } from '../backend/backend';
import { exportNetwork } from '../export/index';
import { buildWithRandomWeights, denseDesign } from '../export/test-designs';
import { importUploadedFiles } from './import-files';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The files Export writes for `format`, as the browser zips them (createZip, as browser-host does). */
async function exportZip(format: EngineExportFormat): Promise<Uint8Array> {
  const design = denseDesign();
  const dir = mkdtempSync(join(tmpdir(), `backflow-zip-${format}-`));
  const result = await exportNetwork(buildWithRandomWeights(design), format, dir, {
    designName: design.name,
    seed: 11,
    trained: false,
  });
  return createZip(
    result.files.map((path) => ({ name: basename(path), bytes: new Uint8Array(readFileSync(path)) })),
  );
}

describe('importUploadedFiles with an export .zip', () => {
  it.each([
    ['keras', 'model.keras'],
    ['onnx', 'model.onnx'],
    ['tfjs', 'model.json'],
  ] as const)('imports the %s export download as its %s, with its weights', async (format, modelFile) => {
    const bytes = await exportZip(format);
    const result = await importUploadedFiles([{ name: `Dense-${format}.zip`, bytes }]);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.modelFile).toBe(modelFile);
    expect(result.value.tensorCount).toBeGreaterThan(0);
    const parsed = parseDesign(result.value.designText);
    if (!parsed.ok) throw new Error(String(parsed.error));
    const layers = (d: { graph: { nodes: readonly { type: string }[] } }) =>
      d.graph.nodes.filter((n) => n.type === 'dense').length;
    expect(layers(parsed.design)).toBe(layers(denseDesign()));
  });

  it('refuses a .zip with a folder inside, saying to unpack it', async () => {
    const bytes = createZip([{ name: 'export/model.onnx', bytes: new Uint8Array(8) }]);
    const result = await importUploadedFiles([{ name: 'mine.zip', bytes }]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        'mine.zip holds "export/model.onnx" inside a folder or under a name files cannot have: unpack it and choose the model files',
      );
    }
  });

  it('refuses a .zip that is not one, naming it', async () => {
    const result = await importUploadedFiles([{ name: 'broken.zip', bytes: new Uint8Array(40) }]);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toMatch(/^broken\.zip cannot be read: it is not a ZIP archive/);
  });
});
