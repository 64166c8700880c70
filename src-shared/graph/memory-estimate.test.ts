/**
 * The memory estimate against a closed form worked out by hand for an MLP,
 * and the refusal message's numbers. (engine/memory-estimate.test.ts checks
 * the estimate against the bytes a real step allocates.)
 */
import { describe, expect, it } from 'vitest';
import type { OptimizerName } from '../design/types';
import { analyzeGraph } from './analyze';
import { chain, node } from './fixtures';
import {
  estimateTrainingMemory,
  formatBytes,
  largestBatchThatFits,
  memoryProblem,
  type MemoryBudget,
} from './memory-estimate';

/** 2 → 3 × dense 64 (ReLU) → 3 classes: the spiral MLP. */
function mlp(optimizer: OptimizerName, batchSize: number, rows = 600) {
  const graph = chain(
    node('in', 'input', { shape: [2] }),
    node('d1', 'dense', { units: 64, activation: 'relu' }),
    node('d2', 'dense', { units: 64, activation: 'relu' }),
    node('d3', 'dense', { units: 64, activation: 'relu' }),
    node('out', 'output', {}),
  );
  const analysis = analyzeGraph(graph, { outputUnits: 3, dataInputShape: [2] });
  expect(analysis.trainable).toBe(true);
  return estimateTrainingMemory({
    training: { optimizer, batchSize },
    analysis,
    data: { trainRows: rows, totalRows: rows, exampleSize: 2, outputUnits: 3 },
  });
}

describe('estimateTrainingMemory, closed form for an MLP', () => {
  // Weights: 2·64+64 + 2·(64·64+64) + 64·3+3 = 192 + 8,320 + 195 = 8,707.
  const P = 8_707;
  // Values per example: outputs 2 + 3·64 + 3 = 197, 8 values held per output in a step,
  // plus the batch row itself (2 features + 3 targets).
  const perExample = (197 * 8 + 5) * 4;
  // Evaluation: 512 rows, 2 values per output, plus the rows.
  const evaluation = 512 * (197 * 2 + 5) * 4;

  it('weights, gradients and optimizer slots scale with the optimizer', () => {
    const perWeight = { sgd: 7, momentum: 10, rmsprop: 16, adam: 20 } as const;
    for (const [optimizer, factor] of Object.entries(perWeight)) {
      const e = mlp(optimizer as OptimizerName, 2048, 5000);
      expect(e.weightBytes).toBe(P * 4);
      expect(e.perWeightBytes, optimizer).toBe(P * factor * 4);
      expect(e.backendBytes, optimizer).toBe(P * factor * 4 + 2048 * perExample);
    }
  });

  it('activations scale with the batch; a small batch is bounded by the evaluation pass', () => {
    const big = mlp('sgd', 4096, 8000);
    expect(big.perExampleBytes).toBe(perExample);
    expect(big.backendBytes).toBe(P * 28 + 4096 * perExample);
    const small = mlp('sgd', 32);
    expect(small.evaluationBytes).toBe(evaluation);
    expect(small.backendBytes).toBe(P * 4 + evaluation);
    // The data set: 600 rows of 2 features and 3 targets, outside the backend.
    expect(small.dataBytes).toBe(600 * 5 * 4);
    expect(small.totalBytes).toBe(small.backendBytes + small.dataBytes);
  });

  it('the batch is capped by the training rows', () => {
    expect(mlp('sgd', 4096, 600).batchSize).toBe(600);
  });
});

describe('memoryProblem', () => {
  const budget = (bytes: number, includesData = false): MemoryBudget => ({
    bytes,
    holder: 'the test heap',
    includesData,
  });

  it('says how much a step needs, how much there is, and the largest batch that fits', () => {
    const e = mlp('adam', 4096, 8000);
    expect(memoryProblem(e, budget(e.backendBytes))).toBeUndefined();
    const room = e.perWeightBytes + 1000 * e.perExampleBytes + 10;
    expect(largestBatchThatFits(e, budget(room))).toBe(1000);
    expect(memoryProblem(e, budget(room))).toBe(
      `one training step at batch 4096 needs about ${formatBytes(e.backendBytes)}, but the test heap has ` +
        `room for about ${formatBytes(room)}: at most batch 1000 fits — lower the batch size (training.batchSize)`,
    );
  });

  it('counts the data set only where it shares the budget', () => {
    const e = mlp('sgd', 32, 100_000);
    expect(memoryProblem(e, budget(e.backendBytes))).toBeUndefined();
    expect(memoryProblem(e, budget(e.backendBytes, true))).toContain('needs about');
  });

  it('when not even one example fits, points at the weights', () => {
    const e = mlp('adam', 64);
    const message = memoryProblem(e, budget(e.perWeightBytes / 2));
    expect(message).toContain('the weights with their gradients and optimizer state alone need');
    expect(message).toContain('use fewer units or filters');
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal for gigabytes', () => {
    expect(formatBytes(5_200_000_000)).toBe('5.2 GB');
    expect(formatBytes(780_400_000)).toBe('780 MB');
    expect(formatBytes(12_345)).toBe('12 kB');
    expect(formatBytes(12)).toBe('12 bytes');
  });
});
