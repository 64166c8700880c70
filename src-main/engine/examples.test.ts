/**
 * The shipped examples show what they promise at initialisation: the deep
 * sigmoid MLP's first layer gets less than 1e-3 of the last layer's gradient,
 * and its BatchNorm twin at least 0.1 (product.md, "Reference results").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { unpackStep, type StepRecord } from '../../src-shared/telemetry';
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
  let layers: Parameters<typeof unpackStep>[1] = [];
  const trainer = createTrainer({
    design,
    data,
    telemetryEvery: 1,
    maxSteps: 1,
    onEvent: (event) => {
      if (event.type === 'started') layers = event.layers;
      if (event.type === 'step' && event.packed) record = unpackStep(event.packed, layers);
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
});
