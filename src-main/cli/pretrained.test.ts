/**
 * Pretrained weights as a file beside the design: after `import`, `train`
 * fine-tunes from the imported weights and `export` writes exactly them (the
 * weights `train` starts from, as the CLI contract says). Tensors that do
 * not fit (missing, another shape) start from the seed and are named; a file
 * none of whose tensors fits is refused, exit 1.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDesign } from '../../src-shared/design';
import { withDesignHash } from '../../src-shared/weights-file';
import { initBackend } from '../engine/backend/backend';
import { loadLayersModelFromDir } from '../engine/export/save-tfjs';
import { designHash } from '../engine/pretrained/design-hash';
import { readWeightValues, writeWeightValues } from '../engine/import';
import { snapshotWeights, type WeightValues } from '../engine/model/network';
import { EXAMPLES_DIR, prepared } from '../engine/test-support';
import { createTrainer } from '../engine/train/trainer';
import { main } from './main';
import { captureIO } from './test-io';

const MODEL = join(__dirname, '../../resources/fixtures/models/tfjs-sequential/model.json');

beforeAll(async () => {
  await initBackend('wasm');
});

/** Imports the fixture model into a fresh folder: the design path and its weights. */
async function importFixture(): Promise<{ dir: string; design: string; weights: WeightValues }> {
  const dir = mkdtempSync(join(tmpdir(), 'backflow-pretrained-'));
  const design = join(dir, 'spiral.backflow.json');
  const io = captureIO();
  expect(await main(['import', MODEL, '--out', design], io), io.stderr()).toBe(0);
  return { dir, design, weights: await readWeightValues(join(dir, 'spiral.weights.safetensors')) };
}

async function run(argv: string[]) {
  const io = captureIO();
  const code = await main([...argv, '--backend', 'wasm'], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const values = (weights: WeightValues) =>
  Object.fromEntries([...weights].map(([name, w]) => [name, Array.from(w.values)]));

describe('a design with a weights file beside it', () => {
  it('exports exactly the imported weights, and says so', async () => {
    const { dir, design, weights } = await importFixture();
    const out = join(dir, 'export');
    const result = await run(['export', design, '--format', 'tfjs', '--out', out]);
    expect(result.code, result.err).toBe(0);
    // Notes go to stderr with progress; stdout says what was written.
    expect(result.err).toContain(
      `using the pretrained weights in ${join(dir, 'spiral.weights.safetensors')} (4 tensors)`,
    );
    expect(result.out).toContain('(pretrained weights)');
    const model = await loadLayersModelFromDir(out);
    const exported = new Map(
      model.weights.map((w, i) => [w.originalName, Float32Array.from(model.getWeights()[i].dataSync())]),
    );
    expect(Object.fromEntries([...exported].map(([n, v]) => [n, Array.from(v)]))).toEqual(values(weights));
    model.dispose();
  });

  it('fine-tunes from the imported weights: train --out equals a trainer started from them', async () => {
    const { dir, design, weights } = await importFixture();
    const out = join(dir, 'trained');
    const result = await run(['train', design, '--steps', '2', '--out', out]);
    expect(result.code, result.err).toBe(0);
    expect(result.err).toContain('using the pretrained weights in');

    const parsed = parseDesign(readFileSync(design, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const { data } = await prepared(parsed.design);
    const finetune = async (initialWeights?: WeightValues) => {
      const trainer = createTrainer({
        design: parsed.design,
        data,
        telemetryEvery: 0,
        maxSteps: 2,
        initialWeights,
        onEvent: () => {},
      });
      await trainer.start();
      const after = snapshotWeights(trainer.network);
      trainer.dispose();
      return after;
    };
    const model = await loadLayersModelFromDir(out);
    const saved = Object.fromEntries(
      model.weights.map((w, i) => [w.originalName, Array.from(model.getWeights()[i].dataSync())]),
    );
    model.dispose();
    expect(saved).toEqual(values(await finetune(weights)));
    expect(saved).not.toEqual(values(await finetune()));
  });
});

/** The weights a tfjs export of `design` writes, by name. */
async function exportedWeights(design: string, out: string): Promise<Record<string, number[]>> {
  const result = await run(['export', design, '--format', 'tfjs', '--out', out]);
  expect(result.code, result.err).toBe(0);
  const model = await loadLayersModelFromDir(out);
  try {
    return Object.fromEntries(
      model.weights.map((w, i) => [w.originalName, Array.from(model.getWeights()[i].dataSync())]),
    );
  } finally {
    model.dispose();
  }
}

describe('a weights file that fits the design in part', () => {
  const cases: [string, (w: WeightValues) => WeightValues, string, string][] = [
    [
      'a missing tensor',
      (w) => new Map([...w].filter(([name]) => name !== 'probs/bias')),
      'probs/bias: not in the file, starts from the seed (shape [3])',
      'probs/bias',
    ],
    [
      'a wrong shape (a new head, a widened layer)',
      (w) => new Map([...w, ['hidden/kernel', { shape: [2, 5], values: new Float32Array(10) }]]),
      'hidden/kernel: the file has [2, 5], layer hidden needs [2, 4]; starts from the seed',
      'hidden/kernel',
    ],
    [
      'a tensor of no layer',
      (w) => new Map([...w, ['extra/kernel', { shape: [1], values: new Float32Array(1) }]]),
      'extra/kernel: no layer of the design has this weight; not used',
      '',
    ],
  ];
  for (const [label, spoil, note, seeded] of cases) {
    it(`uses what fits and names the rest, for ${label}`, async () => {
      const { dir, design, weights } = await importFixture();
      // The same design without a weights file: what the seed alone starts from.
      const bare = join(dir, 'bare.backflow.json');
      copyFileSync(design, bare);
      const fromSeed = await exportedWeights(bare, join(dir, 'seed'));
      await writeWeightValues(join(dir, 'spiral.weights.safetensors'), spoil(weights));
      const train = await run(['train', design, '--steps', '1']);
      expect(train.code, train.err).toBe(0);
      expect(train.err).toContain(note);
      const exported = await exportedWeights(design, join(dir, 'x'));
      const fromFile = values(weights);
      for (const name of Object.keys(exported))
        expect(exported[name], name).toEqual(name === seeded ? fromSeed[name] : fromFile[name]);
    });
  }

  it('is refused when none of its tensors fits (another model), exit 1', async () => {
    const { dir, design } = await importFixture();
    await writeWeightValues(
      join(dir, 'spiral.weights.safetensors'),
      new Map([['conv/kernel', { shape: [3, 3, 1, 8], values: new Float32Array(72) }]]),
    );
    for (const argv of [
      ['train', design, '--steps', '1'],
      ['export', design, '--format', 'keras', '--out', join(dir, 'x')],
    ]) {
      const result = await run(argv);
      expect(result.code, argv[0]).toBe(1);
      expect(result.err).toContain('none of the 1 tensors fits the design');
      expect(result.err).toContain('conv/kernel: no layer of the design has this weight');
      expect(result.err).not.toContain('internal error');
    }
  });

  it('is refused when the app saved it with another version of the design (a save cut short)', async () => {
    const { dir, design } = await importFixture();
    const file = join(dir, 'spiral.weights.safetensors');
    // The app records the hash of the design it saved the weights with; this one is not the file's.
    writeFileSync(file, withDesignHash(readFileSync(file), designHash('{"another":"version"}')));
    for (const command of [
      ['train', design, '--steps', '1'],
      ['export', design, '--format', 'tfjs', '--out', join(dir, 'x')],
    ]) {
      const result = await run(command);
      expect(result.code).toBe(1);
      expect(result.err).toContain('spiral.weights.safetensors was saved with another version of');
    }
    // Stamped with this design's own text, it is used again.
    writeFileSync(file, withDesignHash(readFileSync(file), designHash(readFileSync(design, 'utf8'))));
    expect((await run(['train', design, '--steps', '1'])).code).toBe(0);
  });

  it('is refused when it is not a weights file at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backflow-pretrained-'));
    const design = join(dir, 'deep.backflow.json');
    copyFileSync(join(EXAMPLES_DIR, 'deep-sigmoid.backflow.json'), design);
    writeFileSync(join(dir, 'deep.weights.safetensors'), 'not safetensors at all');
    const result = await run(['train', design, '--steps', '1']);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'deep.weights.safetensors: cannot read the pretrained weights: not a safetensors file',
    );
  });
});
