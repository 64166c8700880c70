// Shapes and weight counts of every layer type, against numbers worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_LABELS,
  CATEGORY_ORDER,
  LAYER_SPECS,
  LAYER_TYPES,
  getLayerSpec,
  isLayerType,
  paramCount,
  validateLayer,
  validateParams,
} from './index';
import type { LayerType, Params, Shape, ShapeContext, TypedLayer } from './index';

/** The validated layer (defaults filled) of `type` with `overrides`; fails the test on invalid input. */
function layer(type: LayerType, overrides: Record<string, unknown> = {}): TypedLayer {
  const result = validateLayer(type, overrides);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.layer;
}

function params(type: LayerType, overrides: Record<string, unknown> = {}): Params {
  return layer(type, overrides).params;
}

function infer(
  type: LayerType,
  inputs: Shape[],
  overrides: Record<string, unknown> = {},
  context: ShapeContext = {},
) {
  return getLayerSpec(type)!.inferShape(inputs, params(type, overrides), context);
}

/** The weight count of a layer whose shape inference succeeds (fails the test otherwise). */
function count(
  type: LayerType,
  inputs: Shape[],
  overrides: Record<string, unknown> = {},
  context: ShapeContext = {},
) {
  const output = infer(type, inputs, overrides, context);
  if (!output.ok) throw new Error(output.message);
  return paramCount(layer(type, overrides), inputs, output.shape);
}

describe('registry', () => {
  it('has one spec per type, each named after its key and placed in a known palette group', () => {
    expect(Object.keys(LAYER_SPECS).sort()).toEqual([...LAYER_TYPES].sort());
    for (const type of LAYER_TYPES) {
      const spec = LAYER_SPECS[type];
      expect(spec.type).toBe(type);
      expect(CATEGORY_ORDER).toContain(spec.category);
      expect(CATEGORY_LABELS[spec.category]).toBeTruthy();
      expect(spec.description).toMatch(/^[A-Z].{30,}\.$/);
      // Every default must pass its own validation, or a freshly dropped node would be invalid.
      expect(validateParams(spec, {}).ok).toBe(true);
    }
  });

  it('looks types up safely', () => {
    expect(getLayerSpec('dense')?.label).toBe('Dense');
    expect(getLayerSpec('toString')).toBeUndefined();
    expect(getLayerSpec('Dense')).toBeUndefined();
    expect(isLayerType('conv2d')).toBe(true);
    expect(isLayerType(3)).toBe(false);
  });

  it('gives only output no outgoing port, and only the merges several inputs', () => {
    expect(LAYER_TYPES.filter((t) => !LAYER_SPECS[t].hasOutput)).toEqual(['output']);
    expect(LAYER_TYPES.filter((t) => LAYER_SPECS[t].inputs.max > 1)).toEqual(['add', 'concatenate']);
    expect(LAYER_SPECS.add.inputs).toEqual({ min: 2, max: 8 });
    expect(LAYER_SPECS.input.inputs).toEqual({ min: 0, max: 0 });
  });

  it('refuses out-of-bound sizes', () => {
    expect(validateParams(LAYER_SPECS.dense, { units: 16385 }).ok).toBe(false);
    expect(validateParams(LAYER_SPECS.input, { shape: [4097] }).ok).toBe(false);
    expect(validateParams(LAYER_SPECS.input, { shape: [1, 2, 3, 4] }).ok).toBe(false);
    expect(validateParams(LAYER_SPECS.conv2d, { kernelSize: [3, 3, 3] }).ok).toBe(false);
    expect(validateParams(LAYER_SPECS.dropout, { rate: 0.96 }).ok).toBe(false);
    expect(validateParams(LAYER_SPECS.batchNormalization, { epsilon: 0 }).ok).toBe(false);
    expect(validateParams(LAYER_SPECS.dense, { activation: 'softmax' }).ok).toBe(false);
  });
});

describe('inferShape and paramCount', () => {
  it('input returns its shape', () => {
    expect(infer('input', [], { shape: [28, 28, 1] })).toEqual({ ok: true, shape: [28, 28, 1] });
    expect(infer('input', [[2]]).ok).toBe(false);
  });

  it('dense maps a vector to units and asks for Flatten on images', () => {
    expect(infer('dense', [[2]])).toEqual({ ok: true, shape: [64] });
    expect(count('dense', [[2]])).toBe(192); // 2·64 + 64
    expect(count('dense', [[2]], { useBias: false })).toBe(128);
    expect(count('dense', [[784]], { units: 100 })).toBe(78_500);
    const image = infer('dense', [[28, 28, 1]]);
    expect(image.ok).toBe(false);
    if (!image.ok) expect(image.message).toContain('28×28×1');
    if (!image.ok) expect(image.message).toContain('Flatten');
  });

  it.each([
    // [input, params, expected shape]: same → ⌈h/s⌉, valid → ⌊(h−k)/s⌋+1.
    [[28, 28, 1], {}, [28, 28, 16]],
    [[28, 28, 1], { padding: 'valid' }, [26, 26, 16]],
    [[28, 28, 3], { strides: 2, filters: 8 }, [14, 14, 8]],
    [[7, 7, 3], { strides: 2 }, [4, 4, 16]],
    [[7, 7, 3], { strides: 2, padding: 'valid' }, [3, 3, 16]],
    [[32, 20, 3], { kernelSize: [5, 3], strides: [2, 1], padding: 'valid' }, [14, 18, 16]],
    [[3, 3, 1], { padding: 'valid' }, [1, 1, 16]],
  ])('conv2d %j with %j gives %j', (input, overrides, expected) => {
    expect(infer('conv2d', [input], overrides)).toEqual({ ok: true, shape: expected });
  });

  it('conv2d counts kh·kw·cin·filters + filters and refuses what does not fit', () => {
    expect(count('conv2d', [[28, 28, 1]])).toBe(160); // 3·3·1·16 + 16
    expect(count('conv2d', [[28, 28, 16]], { filters: 32, useBias: false })).toBe(4608);
    expect(count('conv2d', [[32, 32, 3]], { kernelSize: [5, 3], filters: 4 })).toBe(184); // 5·3·3·4 + 4
    const tooSmall = infer('conv2d', [[2, 2, 1]], { padding: 'valid' });
    expect(tooSmall.ok).toBe(false);
    if (!tooSmall.ok) expect(tooSmall.message).toMatch(/3×3 kernel does not fit its 2×2 input.*same/);
    const flat = infer('conv2d', [[64]]);
    expect(flat.ok).toBe(false);
    if (!flat.ok) expect(flat.message).toContain('3-D');
  });

  it.each([
    ['maxPooling2d', [28, 28, 16], {}, [14, 14, 16]],
    ['maxPooling2d', [7, 7, 4], {}, [3, 3, 4]],
    ['maxPooling2d', [7, 7, 4], { padding: 'same' }, [4, 4, 4]],
    ['averagePooling2d', [9, 9, 2], { poolSize: 3, strides: 1 }, [7, 7, 2]],
    ['averagePooling2d', [8, 6, 2], { poolSize: [2, 3], strides: [2, 3] }, [4, 2, 2]],
  ] as const)('%s on %j with %j gives %j', (type, input, overrides, expected) => {
    expect(infer(type, [input], overrides)).toEqual({ ok: true, shape: expected });
    expect(count(type, [input], overrides)).toBe(0);
  });

  it('pooling refuses a window larger than a valid input', () => {
    const result = infer('maxPooling2d', [[1, 1, 8]]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('2×2 pool');
  });

  it('global average pooling keeps one value per channel and needs an image', () => {
    expect(infer('globalAveragePooling2d', [[7, 5, 16]])).toEqual({ ok: true, shape: [16] });
    expect(count('globalAveragePooling2d', [[7, 5, 16]])).toBe(0);
    const flat = infer('globalAveragePooling2d', [[64]]);
    expect(flat.ok).toBe(false);
    if (!flat.ok) expect(flat.message).toContain('3-D');
    expect(validateParams(LAYER_SPECS.globalAveragePooling2d, { poolSize: 2 }).ok).toBe(false);
  });

  it('reshape keeps the values, and names both sizes when they differ', () => {
    expect(infer('reshape', [[64]], { targetShape: [8, 8, 1] })).toEqual({ ok: true, shape: [8, 8, 1] });
    expect(infer('reshape', [[4, 4, 2]], { targetShape: [32] })).toEqual({ ok: true, shape: [32] });
    expect(count('reshape', [[64]], { targetShape: [4, 16] })).toBe(0);
    const wrong = infer('reshape', [[7, 7, 2]], { targetShape: [10, 10] });
    expect(wrong).toEqual({
      ok: false,
      message:
        'cannot reshape 7×7×2 (98 values) into 10×10 (100 values) — set targetShape to a shape of 98 values, such as [98]',
    });
    expect(validateParams(LAYER_SPECS.reshape, { targetShape: [0, 4] }).ok).toBe(false);
    expect(validateParams(LAYER_SPECS.reshape, { targetShape: 16 }).ok).toBe(false);
    expect(validateParams(LAYER_SPECS.reshape, { targetShape: [1, 2, 3, 4] }).ok).toBe(false);
  });

  it('flatten, dropout and activation', () => {
    expect(infer('flatten', [[7, 7, 32]])).toEqual({ ok: true, shape: [1568] });
    expect(infer('flatten', [[10]])).toEqual({ ok: true, shape: [10] });
    expect(infer('dropout', [[5, 5, 2]])).toEqual({ ok: true, shape: [5, 5, 2] });
    expect(infer('activation', [[64]])).toEqual({ ok: true, shape: [64] });
    expect(count('activation', [[64]])).toBe(0);
  });

  it('normalization keeps the shape, counts 4c (BN) and 2c (LN) weights, and only takes the last axis', () => {
    expect(infer('batchNormalization', [[64]])).toEqual({ ok: true, shape: [64] });
    expect(count('batchNormalization', [[64]])).toBe(256);
    expect(count('batchNormalization', [[14, 14, 16]])).toBe(64);
    expect(count('layerNormalization', [[64]])).toBe(128);
    expect(infer('batchNormalization', [[14, 14, 16]], { axis: 3 }).ok).toBe(true);
    expect(infer('layerNormalization', [[64]], { axis: 1 }).ok).toBe(true);
    const wrong = infer('batchNormalization', [[14, 14, 16]], { axis: 1 });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.message).toMatch(/last axis.*-1.*3 for a 14×14×16/);
    expect(infer('layerNormalization', [[64]], { axis: 0 }).ok).toBe(false);
  });

  it('add needs equal shapes and names them', () => {
    expect(infer('add', [[64], [64], [64]])).toEqual({ ok: true, shape: [64] });
    const result = infer('add', [[64], [32]]);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.message).toBe(
        'inputs have shapes 64 and 32 — they must match; change units or insert a dense layer',
      );
    expect(infer('add', [[64]]).ok).toBe(false);
  });

  it('concatenate joins along the axis, in input order', () => {
    expect(infer('concatenate', [[64], [32]])).toEqual({ ok: true, shape: [96] });
    expect(
      infer('concatenate', [
        [8, 8, 16],
        [8, 8, 4],
      ]),
    ).toEqual({ ok: true, shape: [8, 8, 20] });
    expect(
      infer(
        'concatenate',
        [
          [8, 8, 16],
          [4, 8, 16],
        ],
        { axis: 1 },
      ),
    ).toEqual({ ok: true, shape: [12, 8, 16] });
    expect(
      infer(
        'concatenate',
        [
          [8, 6, 3],
          [8, 2, 3],
          [8, 1, 3],
        ],
        { axis: 2 },
      ),
    ).toEqual({ ok: true, shape: [8, 9, 3] });
    const mismatch = infer('concatenate', [
      [8, 8, 16],
      [4, 4, 16],
    ]);
    expect(mismatch.ok).toBe(false);
    if (!mismatch.ok) expect(mismatch.message).toContain('8×8×16 and 4×4×16');
    expect(infer('concatenate', [[64], [8, 8, 1]]).ok).toBe(false);
    expect(infer('concatenate', [[64], [32]], { axis: 2 }).ok).toBe(false);
    expect(infer('concatenate', [[64], [32]], { axis: 0 }).ok).toBe(false);
  });

  it('output maps to the data width, or [-1] (shown ?) while it is unknown', () => {
    expect(infer('output', [[64]], {}, { outputUnits: 3 })).toEqual({ ok: true, shape: [3] });
    expect(count('output', [[64]], {}, { outputUnits: 3 })).toBe(195); // 64·3 + 3
    expect(infer('output', [[64]])).toEqual({ ok: true, shape: [-1] });
    expect(count('output', [[64]])).toBe(0);
    expect(infer('output', [[4, 4, 1]], {}, { outputUnits: 3 }).ok).toBe(false);
    const one = infer('output', [[8]], {}, { outputUnits: 1 });
    expect(one.ok).toBe(false);
    if (!one.ok) expect(one.message).toContain('sigmoidCrossEntropy');
    expect(infer('output', [[8]], { loss: 'meanSquaredError' }, { outputUnits: 1 })).toEqual({
      ok: true,
      shape: [1],
    });
  });
});

describe('summary', () => {
  it.each([
    ['input', { shape: [28, 28, 1] }, '28×28×1'],
    ['dense', { activation: 'sigmoid' }, '64 · sigmoid'],
    ['dense', { units: 10, activation: 'leakyRelu', alpha: 0.2 }, '10 · leakyRelu(0.2)'],
    ['conv2d', {}, '3×3×16 · same'],
    ['conv2d', { strides: 2, activation: 'relu', padding: 'valid' }, '3×3×16 /2 · valid · relu'],
    ['maxPooling2d', {}, '2×2 · valid'],
    ['averagePooling2d', { poolSize: 3, strides: 1 }, '3×3 /1 · valid'],
    ['globalAveragePooling2d', {}, 'mean over h×w'],
    ['reshape', { targetShape: [4, 16] }, '→ 4×16'],
    ['dropout', {}, 'p=0.5'],
    ['activation', {}, 'relu'],
    ['batchNormalization', {}, 'm=0.99'],
    ['layerNormalization', {}, 'ε=0.001'],
    ['add', {}, '+'],
    ['concatenate', {}, 'axis -1'],
    ['output', {}, 'softmax · cross-entropy'],
  ] as const)('%s %j → %s', (type, overrides, expected) => {
    expect(getLayerSpec(type)!.summary(params(type, overrides))).toBe(expected);
  });

  it('tolerates raw params with missing values', () => {
    expect(LAYER_SPECS.dense.summary({})).toBe('64 · linear');
    expect(LAYER_SPECS.conv2d.summary({ kernelSize: 'x' })).toBe('3×3×16 · same');
  });
});
