import { describe, expect, it } from 'vitest';
import { progressLabels } from './progress-labels';

describe('progressLabels', () => {
  it("before any run, counts towards the design's own epochs, not 0/0", () => {
    expect(progressLabels(null, { epoch: 0, step: 0 }, 20)).toEqual({ epoch: 'Epoch 0/20', step: 'Step 0' });
  });

  it("during a run, counts the run's epochs (1-based) and steps", () => {
    // 600 samples, 20 % held out, batch 64: 8 steps per epoch, 20 epochs.
    const run = { totalSteps: 160, stepsPerEpoch: 8 };
    expect(progressLabels(run, { epoch: 2, step: 17 }, 5)).toEqual({
      epoch: 'Epoch 3/20',
      step: 'Step 17/160',
    });
  });
});
