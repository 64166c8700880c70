/**
 * `backflow import`: a model file becomes a design file (and a weights file
 * beside it) that `validate` accepts; unsupported models fail with exit 1
 * and the importer's message.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDesign } from '../../src-shared/design';
import { createZip } from '../../src-shared/zip';
import { readWeightValues } from '../engine/import';
import { main } from './main';
import { captureIO } from './test-io';

const MODELS = join(__dirname, '../../resources/fixtures/models');

describe('import', () => {
  it('writes the design and its weights; the design validates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-import-cli-'));
    const out = join(dir, 'spiral.backflow.json');
    const io = captureIO();
    const code = await main(['import', join(MODELS, 'tfjs-sequential/model.json'), '--out', out], io);
    expect(code, io.stderr()).toBe(0);
    expect(io.stdout()).toContain('imported "spiral_classifier" (3 nodes)');
    const parsed = parseDesign(readFileSync(out, 'utf8'));
    expect(parsed.ok).toBe(true);
    const weights = await readWeightValues(join(dir, 'spiral.weights.safetensors'));
    expect([...weights.keys()]).toEqual(['hidden/kernel', 'hidden/bias', 'probs/kernel', 'probs/bias']);
    const check = captureIO();
    expect(await main(['validate', out], check), check.stderr()).toBe(0);
  });

  it('imports the .zip browser mode exports as the model inside it, and names a .zip that is not one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-import-zip-'));
    // The tfjs model as browser mode's Export zips it (model.json and its weight files, no folders).
    const model = join(MODELS, 'tfjs-sequential');
    const zip = join(dir, 'spiral-tfjs.zip');
    writeFileSync(
      zip,
      createZip(
        readdirSync(model).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(model, name))) })),
      ),
    );
    const fromZip = captureIO();
    expect(
      await main(['import', zip, '--out', join(dir, 'zip.backflow.json')], fromZip),
      fromZip.stderr(),
    ).toBe(0);
    const direct = captureIO();
    expect(
      await main(['import', join(model, 'model.json'), '--out', join(dir, 'direct.backflow.json')], direct),
    ).toBe(0);
    // The same design and the same weights as importing the unpacked files.
    const design = (name: string) => parseDesign(readFileSync(join(dir, name), 'utf8'));
    expect(design('zip.backflow.json')).toEqual(design('direct.backflow.json'));
    const zipWeights = await readWeightValues(join(dir, 'zip.weights.safetensors'));
    const directWeights = await readWeightValues(join(dir, 'direct.weights.safetensors'));
    expect([...zipWeights.keys()]).toEqual([...directWeights.keys()]);
    for (const [key, tensor] of directWeights) expect(zipWeights.get(key)).toEqual(tensor);

    const notAZip = join(dir, 'notes.zip');
    writeFileSync(notAZip, 'hello');
    const refused = captureIO();
    expect(await main(['import', notAZip, '--out', join(dir, 'x.backflow.json')], refused)).toBe(1);
    expect(refused.stderr()).toMatch(/^.*notes\.zip: notes\.zip cannot be read: /m);
    expect(refused.stderr()).not.toMatch(/\n\s+at /);
  });

  it('writes no weights file for a topology without weights, and prints the warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-import-cli-'));
    const out = join(dir, 'residual.backflow.json');
    const io = captureIO();
    expect(await main(['import', join(MODELS, 'keras3-functional-residual.json'), '--out', out], io)).toBe(0);
    expect(io.stdout()).toContain('without weights');
    expect(io.stderr()).toContain('warning: no built-in data set has examples of shape 4');
    expect(existsSync(join(dir, 'residual.weights.safetensors'))).toBe(false);
  });

  it('names the unsupported layer and exits 1', async () => {
    const io = captureIO();
    const code = await main(
      ['import', join(MODELS, 'keras2-lstm.json'), '--out', join(tmpdir(), 'x.json')],
      io,
    );
    expect(code).toBe(1);
    expect(io.stderr()).toContain("layer 'lstm_1' (LSTM) is not supported");
  });

  it('requires --out (exit 2)', async () => {
    const io = captureIO();
    expect(await main(['import', join(MODELS, 'keras2-lstm.json')], io)).toBe(2);
    expect(io.stderr()).toContain('--out design.backflow.json is required');
  });
});
