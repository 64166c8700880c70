import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_BINS,
  LAYER_STAT_FIELDS,
  LAYER_STAT_STRIDE,
  type LayerInfo,
} from '../../../../src-shared/telemetry';
import { paintColumns } from './heatmap-paint';
import { sampleRecords } from './records';
import { pathShares, RunTelemetry } from './run-telemetry';
import { CSV_HEADER, telemetryCsv } from './telemetry-csv';

const layers: LayerInfo[] = [
  { id: 'd1', type: 'dense' },
  { id: 'act', type: 'activation' },
  { id: 'out', type: 'output' },
];

/** A packed step where layer l's gradNorm is 10^(l − 6) × (step + 1); the activation layer has none. */
function packed(step: number) {
  const stats = new Float32Array(layers.length * LAYER_STAT_STRIDE);
  layers.forEach((layer, l) => {
    const base = l * LAYER_STAT_STRIDE;
    LAYER_STAT_FIELDS.forEach((_, f) => (stats[base + f] = layer.type === 'activation' ? NaN : 0.5));
    stats[base] = layer.type === 'activation' ? NaN : 10 ** (l - 6) * (step + 1);
    stats[base + LAYER_STAT_FIELDS.length + 3] = step;
  });
  return { step, epoch: 0, loss: 1 / (step + 1), accuracy: 0.5, stats };
}

function fill(run: RunTelemetry, steps: number) {
  for (let s = 0; s < steps; s++) run.pushStep(packed(s));
}

describe('RunTelemetry', () => {
  it('keeps every record when it grows past its first capacity', () => {
    const run = new RunTelemetry(7, layers, 1000, 10, null, 16);
    fill(run, 1000);
    expect(run.count).toBe(1000);
    expect(run.stepCount).toBe(1000);
    for (const s of [0, 15, 16, 17, 511, 999]) {
      expect(run.recordSteps[s]).toBe(s);
      expect(run.value('gradNorm', s, 0)).toBe(Math.fround(1e-6 * (s + 1)));
      expect(run.value('gradNorm', s, 2)).toBe(Math.fround(1e-4 * (s + 1)));
      expect(run.histogram(s, 2)[3]).toBe(s);
      expect(run.stepLoss[s]).toBeCloseTo(1 / (s + 1));
    }
    expect(run.value('gradNorm', 5, 1)).toBeNaN();
  });

  it('steps without telemetry add a loss but no record', () => {
    const run = new RunTelemetry(1, layers, 10, 10);
    run.pushStep({ step: 0, epoch: 0, loss: 1, accuracy: null, stats: null });
    expect(run.stepCount).toBe(1);
    expect(run.count).toBe(0);
    expect(run.stepAccuracy[0]).toBeNaN();
  });

  it('fixes each quantity’s colour scale at the first record', () => {
    const run = new RunTelemetry(1, layers, 100, 10);
    fill(run, 1);
    const before = run.scales.gradNorm;
    expect(before).toEqual({ minDecade: -7, maxDecade: -3 });
    fill(run, 50);
    expect(run.scales.gradNorm).toBe(before);
    expect(run.windowScale('gradNorm', 40, 50).maxDecade).toBeGreaterThan(before!.maxDecade);
  });

  it('finds the record of a step', () => {
    const run = new RunTelemetry(1, layers, 100, 10);
    fill(run, 20);
    expect(run.recordAtStep(7)).toBe(7);
    expect(run.recordAtStep(500)).toBe(19);
  });
});

describe('paintColumns', () => {
  it('paints only the columns asked for, one pixel per (record, layer)', () => {
    const run = new RunTelemetry(1, layers, 10, 10);
    fill(run, 4);
    const pixels = { data: new Uint8ClampedArray(10 * 3 * 4), width: 10, height: 3 };
    paintColumns(pixels, run, 'gradNorm', run.scales.gradNorm!, 0, 2, 4);
    const alpha = (x: number, y: number) => pixels.data[(y * 10 + x) * 4 + 3];
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(2, 0)).toBe(255);
    expect(alpha(3, 2)).toBe(255);
    expect(alpha(2, 1)).toBeLessThan(255); // the activation layer: missing, drawn translucent grey
    expect(alpha(4, 0)).toBe(0);
    // Brighter (larger green channel in viridis) for the larger gradient of the last layer.
    expect(pixels.data[(2 * 10 + 2) * 4 + 1]).toBeGreaterThan(pixels.data[(0 * 10 + 2) * 4 + 1]);
  });
});

describe('exports', () => {
  it('writes one CSV row per record and layer, empty cells for what does not apply', () => {
    const run = new RunTelemetry(1, layers, 10, 4);
    fill(run, 5);
    const lines = telemetryCsv(run, 'A').trim().split('\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(1 + 5 * 3);
    const row = lines[1 + 4 * 3].split(',');
    expect(row.slice(0, 7)).toEqual(['A', '4', '1', String(1 / 5), '0.5', 'd1', 'dense']);
    expect(Number(row[7])).toBeCloseTo(5e-6, 10);
    expect(row).toHaveLength(CSV_HEADER.length);
    const activation = lines[2].split(',');
    expect(activation[7]).toBe('');
    expect(activation.slice(-HISTOGRAM_BINS).every((c) => c === '')).toBe(true);
  });

  it('samples the first record and a recent window for the diagnosis', () => {
    const run = new RunTelemetry(1, layers, 100, 10);
    fill(run, 30);
    const records = sampleRecords(run, 10);
    expect(records.map((r) => r.step)).toEqual([0, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(records[0].layers[1].gradNorm).toBeNull();
    expect(records[0].layers[1].gradHistogram).toBeNull();
    expect(records[0].layers[0].gradHistogram).toHaveLength(HISTOGRAM_BINS);
    expect(records[29 - 19].loss).toBeCloseTo(1 / 30);
  });
});

describe('RunTelemetry with merge layers', () => {
  // d1 → (b1 → add(d1, b1)) → cat(b2(add), add) → out: the add's skip is its in0, the concat's its in1.
  const mergeLayers: LayerInfo[] = [
    { id: 'd1', type: 'dense' },
    { id: 'b1', type: 'dense' },
    { id: 'add', type: 'add', merge: { fork: 'd1', sources: ['d1', 'b1'] } },
    { id: 'b2', type: 'dense' },
    { id: 'cat', type: 'concatenate', merge: { fork: 'add', sources: ['b2', 'add'] } },
    { id: 'out', type: 'output' },
  ];
  const rows = mergeLayers.length * LAYER_STAT_STRIDE;
  /** Rows of 0.5, then add: paths [skip, branch]; cat: slices [2 values], paths [branch, skip]. */
  function mergeStep(step: number, addPaths: number[], catPaths: number[]) {
    const stats = new Float32Array(rows + 2 + 4).fill(0.5);
    stats.set(addPaths, rows);
    stats.set([9, 9], rows + 2);
    stats.set(catPaths, rows + 4);
    return { step, epoch: 0, loss: 1, accuracy: null, stats };
  }

  it('reads the path norms after the rows and derives the skip / branch ratio', () => {
    const run = new RunTelemetry(1, mergeLayers, 100, 10);
    run.pushStep(mergeStep(0, [0.8, 0.2], [0.1, 0.3]));
    run.pushStep(mergeStep(1, [0.5, 0], [NaN, 0.3]));
    expect(run.count).toBe(2);
    expect(Array.from(run.paths(0, 2)!.norms)).toEqual([0.8, 0.2].map(Math.fround));
    expect(run.paths(0, 2)!.skip).toBe(0);
    expect(run.paths(0, 4)!.skip).toBe(1);
    expect(run.paths(0, 1)).toBeNull();
    expect(run.value('skipRatio', 0, 2)).toBeCloseTo(4, 5);
    expect(run.value('skipRatio', 0, 4)).toBeCloseTo(3, 5);
    expect(run.value('skipRatio', 0, 1)).toBeNaN();
    // A branch that passes nothing: the skip carries all of it.
    expect(run.value('skipRatio', 1, 2)).toBe(Infinity);
    expect(run.value('skipRatio', 1, 4)).toBeNaN();
    expect(run.scales.skipRatio).toBeDefined();
  });

  it('keeps a step packed without flow norms (an older engine), with the ratio unknown', () => {
    const run = new RunTelemetry(1, mergeLayers, 100, 10);
    run.pushStep({ step: 0, epoch: 0, loss: 1, accuracy: null, stats: new Float32Array(rows).fill(0.5) });
    expect(run.count).toBe(1);
    expect(run.value('skipRatio', 0, 2)).toBeNaN();
  });

  it('a merge with no identity input (a projection shortcut) compares its first input with the rest', () => {
    const projected: LayerInfo[] = [
      { id: 'd1', type: 'dense' },
      { id: 'p', type: 'dense' },
      { id: 'b', type: 'dense' },
      { id: 'add', type: 'add', merge: { fork: 'd1', sources: ['b', 'p'] } },
    ];
    const n = projected.length * LAYER_STAT_STRIDE;
    const stats = new Float32Array(n + 2).fill(0.5);
    stats.set([0.25, 0.75], n);
    const run = new RunTelemetry(1, projected, 10, 10);
    run.pushStep({ step: 0, epoch: 0, loss: 1, accuracy: null, stats });
    expect(run.value('skipRatio', 0, 3)).toBeCloseTo(1 / 3, 6);
    expect(pathShares(run, 0, 3)).toEqual({ shares: [0.25, 0.75], skip: 0, identity: false });
    expect(pathShares(run, 0, 1)).toBeUndefined();
  });

  it('writes the path norms and the ratio to the CSV', () => {
    const run = new RunTelemetry(1, mergeLayers, 100, 10);
    run.pushStep(mergeStep(0, [0.75, 0.25], [0.125, 0.5]));
    const lines = telemetryCsv(run).trim().split('\n');
    const header = lines[0].split(',');
    const cells = (layer: number) => lines[1 + layer].split(',');
    expect(cells(2)[header.indexOf('pathGradNorms')]).toBe('0.75;0.25');
    expect(Number(cells(2)[header.indexOf('skipRatio')])).toBe(3);
    expect(Number(cells(4)[header.indexOf('skipRatio')])).toBe(4);
    expect(cells(1)[header.indexOf('pathGradNorms')]).toBe('');
    for (let l = 0; l < mergeLayers.length; l++) expect(cells(l)).toHaveLength(CSV_HEADER.length);
  });
});
