/**
 * The exported PyTorch module computes what the TensorFlow.js model computes:
 * each test design is exported with non-trivial weights, run by Debian's
 * python3-torch on fixed inputs, and compared with the LayersModel's
 * predictions (max abs difference ≤ 1e-4). Skipped, saying so, only where
 * /usr/bin/python3 cannot import torch (.ci/run installs it).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend';
import { tf } from '../backend/tf';
import { forward } from '../model/forward';
import { exportNetwork } from './index';
import { encodeSafetensors } from './safetensors';
import { toLayersModel } from './layers-model';
import type { Design } from '../../../src-shared/design/types';
import {
  buildWithRandomWeights,
  convDesign,
  denseDesign,
  inputShape,
  mergeDesign,
  withFrozen,
} from './test-designs';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
const torchMissing =
  probe.status === 0
    ? undefined
    : `${PYTHON} cannot import torch (${probe.error?.message ?? probe.stderr.trim().split('\n').pop()})`;
if (torchMissing) {
  console.warn(
    `SKIPPED: PyTorch parity tests: ${torchMissing}. Install with: apt-get install python3-torch libopenblas0-pthread`,
  );
}

const RUNNER = `
import importlib.util, json, sys
import torch
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
model = module.load()
x = module.read_safetensors(sys.argv[2])["x"]
if x.dim() == 4:
    x = x.permute(0, 3, 1, 2)  # the test writes TensorFlow's NHWC; the module takes NCHW
with torch.no_grad():
    y = model(x)
frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
model.train()
norms = [n for n, m in model.named_modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
training = [n for n, m in model.named_modules() if n in norms and m.training]
json.dump({"y": y.tolist(), "frozen": frozen, "trainingNorms": training}, open(sys.argv[3], "w"))
`;

beforeAll(async () => {
  await initBackend('wasm');
});

const BATCH = 6;
/** Each design, the parameters its export must freeze, and the BatchNorms train() must put in training mode. */
const designs: [() => Design, string[], string[]][] = [
  [withFrozen(denseDesign, ['hidden-2', 'bn']), ['hidden_2.weight', 'bn.weight', 'bn.bias'], []],
  [convDesign, [], ['bn']],
  [mergeDesign, [], []],
];

// Skipped only where Debian's python3-torch is not installed (.ci/run installs it); the reason is printed.
describe.skipIf(torchMissing)('PyTorch export', () => {
  for (const [make, frozen, trainingNorms] of designs) {
    it(`reproduces the TensorFlow.js model: ${make().name}`, async () => {
      const design = make();
      const network = buildWithRandomWeights(design);
      const dir = mkdtempSync(join(tmpdir(), 'backflow-pytorch-'));
      await exportNetwork(network, 'pytorch', dir, { designName: design.name, seed: 11, trained: true });
      const shape = [BATCH, ...inputShape(design)];
      const x = tf.randomNormal(shape, 0, 1, 'float32', 42);
      const xValues = x.dataSync() as Float32Array;
      writeFileSync(
        join(dir, 'inputs.safetensors'),
        encodeSafetensors([{ name: 'x', dtype: 'F32', shape, data: xValues }]),
      );
      writeFileSync(join(dir, 'run.py'), RUNNER);
      await promisify(execFile)(
        PYTHON,
        [join(dir, 'run.py'), join(dir, 'model.py'), join(dir, 'inputs.safetensors'), join(dir, 'out.json')],
        { env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 120_000 },
      );
      const result = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
      const torchOut = (result.y as number[][]).flat();
      expect(result.frozen).toEqual(frozen);
      expect(result.trainingNorms).toEqual(trainingNorms);

      const model = toLayersModel(network);
      const tfjsOut = tf.tidy(() =>
        Array.from((model.predict(x) as ReturnType<typeof tf.tensor2d>).dataSync()),
      );
      const engineOut = tf.tidy(() =>
        Array.from(
          forward(
            network,
            x,
            network.weights.map((w) => w.variable),
            { training: false },
          ).outputs[network.outputIndex].dataSync(),
        ),
      );
      expect(torchOut).toHaveLength(tfjsOut.length);
      const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
      expect(maxDiff(torchOut, tfjsOut)).toBeLessThanOrEqual(1e-4);
      expect(maxDiff(engineOut, tfjsOut)).toBeLessThanOrEqual(1e-4);
      // Not a constant output: the comparison would pass for a broken network too.
      expect(Math.max(...tfjsOut) - Math.min(...tfjsOut)).toBeGreaterThan(1e-3);
      model.dispose();
      x.dispose();
      network.dispose();
    }, 180_000);
  }
});
