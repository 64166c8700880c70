import { describe, expect, it } from 'vitest';
import { activationLabel } from '../../../../src-shared/layers/activation';
import { LAYER_TYPES } from '../../../../src-shared/layers/index';
import { glanceKind } from './glance';

describe('glanceKind', () => {
  it('gives every layer type a kind of at most 7 characters, so it prints large inside the node', () => {
    for (const type of LAYER_TYPES) {
      if (type === 'activation') continue;
      const kind = glanceKind(type, '');
      expect(kind.length, type).toBeLessThanOrEqual(7);
      expect(kind, `${type} has a short name of its own`).not.toBe(type);
    }
  });

  it('names an Activation layer by its function', () => {
    expect(glanceKind('activation', 'relu')).toBe('relu');
    expect(glanceKind('activation', activationLabel({ activation: 'leakyRelu', alpha: 0.2 }, 'relu'))).toBe(
      'leakyRelu',
    );
    expect(glanceKind('activation', '')).toBe('Activation');
  });
});
