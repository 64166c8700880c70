/// <reference types="vite/client" />
/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke at untyped JSON documents */
import { describe, expect, it } from 'vitest';
import {
  checkMigrationRegistry,
  DESIGN_MIGRATIONS,
  migrateDesign,
  oldestReadableVersion,
  type DesignMigration,
} from './migrations';
import { parseDesign } from './parse';
import { serializeDesign } from './serialize';
import { CURRENT_FORMAT_VERSION } from './types';

/** Real files written by released versions, one folder per format version. */
const releasedFixtures = import.meta.glob('../../resources/fixtures/designs/v*/*.backflow.json', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/**
 * A synthetic format 0, registered only here: it called the graph `network`,
 * the training section `train`, and dense layers' `units` `size`. Shows that
 * one entry in the registry is all a new format needs.
 */
const v0ToV1: DesignMigration = {
  name: 'v0→v1 rename network to graph, train to training, size to units',
  from: 0,
  migrate(document) {
    const { network, train, ...rest } = document as Record<string, any>;
    const nodes = network.nodes.map((node: any) => {
      if (node.type !== 'dense') return node;
      const { size, ...params } = node.params;
      return { ...node, params: { ...params, units: size } };
    });
    return { ...rest, graph: { ...network, nodes }, training: train };
  },
};

const v0Text = JSON.stringify({
  format: 'backflow.design',
  formatVersion: 0,
  name: 'old',
  network: {
    nodes: [
      { id: 'in', type: 'input', params: { shape: [2] } },
      { id: 'd1', type: 'dense', params: { size: 5 } },
      { id: 'out', type: 'output', params: {} },
    ],
    edges: [
      { id: 'e1', source: 'in', target: 'd1' },
      { id: 'e2', source: 'd1', target: 'out' },
    ],
  },
  data: { source: 'builtin', name: 'moons' },
  train: { optimizer: 'sgd', learningRate: 0.1, batchSize: 8, epochs: 1, seed: 0 },
});

describe('design migrations', () => {
  it('the shipped registry is one unbroken chain ending at the current format', () => {
    expect(checkMigrationRegistry(DESIGN_MIGRATIONS)).toEqual([]);
    expect(oldestReadableVersion()).toBe(1);
  });

  it('upgrades an old file through parseDesign and reports it', () => {
    const result = parseDesign(v0Text, { migrations: [v0ToV1] });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.migratedFrom).toBe(0);
    expect(result.warnings).toEqual([
      expect.stringContaining(`upgraded from format 0 to ${CURRENT_FORMAT_VERSION}`),
    ]);
    expect(result.design.formatVersion).toBe(CURRENT_FORMAT_VERSION);
    expect(result.design.graph.nodes[1].params.units).toBe(5);
    expect(result.design.training.optimizer).toBe('sgd');
    // Saving writes the current format, which then loads without migration.
    const again = parseDesign(serializeDesign(result.design));
    expect(again.ok && again.migratedFrom).toBe(undefined);
  });

  it('without the step, format 0 is not readable', () => {
    const result = parseDesign(v0Text);
    expect(!result.ok && result.error.message).toContain(
      '"formatVersion" must be a whole number from 1 up, got 0',
    );
  });

  it('a throwing step becomes migrationFailed naming the step', () => {
    const broken: DesignMigration = {
      ...v0ToV1,
      migrate: () => {
        throw new Error('network is missing');
      },
    };
    const result = parseDesign(v0Text, { migrations: [broken], fileName: 'old.backflow.json' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.type).toBe('migrationFailed');
    expect(result.error.message).toBe(
      `old.backflow.json: could not upgrade this design from format 0: migration "${v0ToV1.name}" failed: network is missing`,
    );
  });

  it('a step returning a non-object fails, and a migrated but invalid design is refused as invalid', () => {
    const nonObject: DesignMigration = { ...v0ToV1, migrate: () => [] as unknown as Record<string, unknown> };
    const failed = parseDesign(v0Text, { migrations: [nonObject] });
    expect(!failed.ok && failed.error.type).toBe('migrationFailed');
    const sloppy: DesignMigration = { ...v0ToV1, migrate: (document) => document };
    const invalid = parseDesign(v0Text, { migrations: [sloppy] });
    expect(!invalid.ok && invalid.error.message).toContain('unknown key "network"');
  });

  it('runs chained steps in order and sets formatVersion after each', () => {
    const seen: number[] = [];
    const step = (from: number): DesignMigration => ({
      name: `v${from}→v${from + 1}`,
      from,
      migrate: (document) => {
        seen.push(document.formatVersion as number);
        return { ...document, log: [...((document.log as string[]) ?? []), `v${from}`] };
      },
    });
    const chain = [step(1), step(2), step(3)];
    expect(checkMigrationRegistry(chain, 4)).toEqual([]);
    const result = migrateDesign({ formatVersion: 1 }, 1, chain, 4);
    expect(result).toEqual({
      ok: true,
      document: { formatVersion: 4, log: ['v1', 'v2', 'v3'] },
      applied: ['v1→v2', 'v2→v3', 'v3→v4'],
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(migrateDesign({ formatVersion: 2 }, 2, chain, 4).ok && seen.length).toBe(5);
  });

  it('checkMigrationRegistry catches gaps, reused names and a chain that stops short', () => {
    const step = (from: number, name = `s${from}`): DesignMigration => ({ name, from, migrate: (d) => d });
    expect(checkMigrationRegistry([step(1), step(3)], 4)).toEqual([
      expect.stringContaining('starts at 3, expected 2'),
    ]);
    expect(checkMigrationRegistry([step(1, 'x'), step(2, 'x')], 3)).toEqual([
      expect.stringContaining('"x" is used twice'),
    ]);
    expect(checkMigrationRegistry([step(1)], 3)).toEqual([
      expect.stringContaining('not at the current format 3'),
    ]);
    expect(migrateDesign({}, 1, [step(2)], 3)).toEqual({
      ok: false,
      message: 'no migration from format 1 to 2',
    });
  });

  it('every released fixture still loads', () => {
    const files = Object.entries(releasedFixtures);
    expect(files.length).toBeGreaterThan(0);
    for (const [path, text] of files) {
      const result = parseDesign(text, { fileName: path });
      expect(result.ok, result.ok ? path : result.error.message).toBe(true);
    }
  });
});
