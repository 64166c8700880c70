/**
 * The shipped examples show what they promise at initialisation: the deep
 * sigmoid MLP's first layer gets less than 1e-3 of the last layer's gradient,
 * and its BatchNorm twin at least 0.1 (docs/domain.md, "Reference results"); the
 * MNIST conv net's first convolution gets under 2 % of the last one's with
 * sigmoids, at least 10 % (and ten times more) with ReLU and BatchNorm.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { stepRecord, type StepRecord } from '../../src-shared/telemetry';
import { initBackend } from './backend/backend';
import { prepared, readExample } from './test-support';
import { createTrainer } from './train/trainer';

beforeAll(async () => {
  await initBackend('wasm');
});

async function firstStep(file: string): Promise<StepRecord> {
  const design = readExample(file);
  const { data } = await prepared(design);
  let record: StepRecord | undefined;
  let layers: Parameters<typeof stepRecord>[1] = [];
  const trainer = createTrainer({
    design,
    data,
    telemetryEvery: 1,
    maxSteps: 1,
    onEvent: (event) => {
      if (event.type === 'train.onStarted') layers = event.layers;
      if (event.type === 'train.onStep') record = stepRecord(event, layers) ?? record;
    },
  });
  await trainer.start();
  trainer.dispose();
  return record!;
}

/** gradNorm of the first and last dense (or output) layers. */
function firstToLast(record: StepRecord): number {
  const weighted = record.layers.filter((l) => l.type === 'dense' || l.type === 'output');
  return weighted[0].gradNorm! / weighted[weighted.length - 1].gradNorm!;
}

describe('examples at step 0', () => {
  it('deep sigmoid: first-to-last gradNorm ratio below 1e-3', async () => {
    const ratio = firstToLast(await firstStep('deep-sigmoid.backflow.json'));
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1e-3);
  });

  it('deep sigmoid with BatchNorm: ratio at least 0.1', async () => {
    expect(firstToLast(await firstStep('deep-sigmoid-batchnorm.backflow.json'))).toBeGreaterThanOrEqual(0.1);
  });

  it('conv net on MNIST: the sigmoid convolutions pass the first filters far less gradient than ReLU with BN', async () => {
    const ratio = (record: StepRecord) => {
      const convs = record.layers.filter((l) => l.type === 'conv2d');
      return convs[0].gradNorm! / convs[convs.length - 1].gradNorm!;
    };
    const sigmoid = ratio(await firstStep('conv-mnist-sigmoid.backflow.json'));
    const reluBn = ratio(await firstStep('conv-mnist-relu-bn.backflow.json'));
    // Measured: about 5e-3 against 0.36.
    expect(sigmoid).toBeGreaterThan(0);
    expect(sigmoid).toBeLessThan(0.02);
    expect(reluBn).toBeGreaterThanOrEqual(0.1);
    expect(reluBn).toBeGreaterThan(sigmoid * 10);
  });
});
