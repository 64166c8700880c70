/**
 * The cheap half of `backflow reproduce`, on every `npm test`: the at-init
 * gradient checks (one telemetry step per arm and seed, no training), and
 * every experiment design valid and up to date with its generator.
 *
 * The closed forms, for the back-propagated gradient g_i = ∂L/∂h_i (what
 * outGradNorm measures; the weight gradient ∂L/∂W_i = h_{i−1}ᵀ·(f′ ⊙ g_i)
 * also carries the forward activations, which is why its ratios can look
 * flat while g vanishes — Glorot & Bengio's caution). With
 * h_i = f(z_i), z_i = W_i·h_{i−1}, g_{i−1} = W_iᵀ (f′(z_i) ⊙ g_i), and
 * independent zero-mean weights of variance Var(W) on an n × n layer:
 *
 *   E‖g_{i−1}‖² = n · Var(W) · E[f′(z)²] · E‖g_i‖²
 *
 * so the norm falls per layer by 1 / √(n · Var(W) · E[f′²]):
 * - tanh, standardUniform U[−1/√n, 1/√n]: Var(W) = (1/√n)²/3 = 1/(3n); in the
 *   linear regime f′ ≈ 1 (the standard init also shrinks the activations,
 *   keeping the pre-activations small), so the variance ratio is 1/3 and the
 *   std falls by √3 ≈ 1.73 per layer (Glorot & Bengio 2010, eq. 13 with
 *   n·Var(W) = 1/3). Xavier (glorotUniform, Var(W) = 2/(n+n) = 1/n): ratio
 *   1, flat.
 * - ReLU: f′ ∈ {0, 1} with P(z > 0) = 1/2, so E[f′²] = 1/2. Xavier,
 *   Var(W) = 1/n: variance ratio 1/2, std falls by √2 ≈ 1.41 per layer.
 *   He (heNormal, Var(W) = 2/n): ratio 1, flat (He et al. 2015, eq. 13/14).
 * - sigmoid, standardUniform: f′ = σ′ ≈ 1/4 near z = 0, so the ratio is
 *   (1/3)(1/16) = 1/48 and the std falls by √48 ≈ 6.9 per layer — ten
 *   layers leave far less than 1e-3 at the first.
 *
 * The decay per layer is measured as (‖g_first‖ / ‖g_last‖)^(−1/(L−1)) over
 * the L dense layers of each network; every layer between them is square
 * (the first layer's 2-input kernel is not on the path).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDesign, serializeDesign } from '../../../src-shared/design';
import { initBackend } from '../backend/backend';
import { prepareRun } from '../prepare-run';
import { GENERATED_EXAMPLES } from './arms';
import { EXPERIMENTS, findExperiment } from './catalogue';
import { closedForm, everySeed, type ArmRuns } from './checks';
import type { ArmRun } from './measure';
import { EXAMPLES_DIR, runExperiments } from './run';

beforeAll(async () => {
  await initBackend('wasm');
});

const files = [...new Set(EXPERIMENTS.flatMap((e) => e.arms.map((a) => a.file)))];

describe('experiment designs', () => {
  it.each(files)('%s parses, loads its data and passes the graph analysis', async (file) => {
    const text = readFileSync(join(EXAMPLES_DIR, file), 'utf8');
    const result = await prepareRun(text, { designDir: EXAMPLES_DIR, fileName: file });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.analysis.trainable).toBe(true);
    expect(result.value.design.description?.length).toBeGreaterThan(200);
  });

  it.each(Object.keys(GENERATED_EXAMPLES))('%s is what its generator writes (arms.ts)', (file) => {
    const parsed = parseDesign(JSON.stringify(GENERATED_EXAMPLES[file]()));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(readFileSync(join(EXAMPLES_DIR, file), 'utf8')).toBe(serializeDesign(parsed.design));
  });

  it('every arm of every experiment names a shipped file, and probes exist in it', () => {
    for (const experiment of EXPERIMENTS) {
      for (const arm of experiment.arms) {
        const design = JSON.parse(readFileSync(join(EXAMPLES_DIR, arm.file), 'utf8'));
        const ids = new Set(design.graph.nodes.map((n: { id: string }) => n.id));
        for (const probe of arm.probes ?? []) expect(ids.has(probe), `${arm.file}: ${probe}`).toBe(true);
      }
    }
  });
});

describe('at-init checks (no training)', () => {
  const cheap = ['deep-sigmoid', 'glorot-tanh', 'he-relu30'].map((name) => findExperiment(name)!);

  it('closed forms within 20 % and the deep sigmoid ratios, averaged over 3 seeds', async () => {
    const results = await runExperiments(cheap, { quick: true, initOnly: true });
    const verdicts = results.flatMap((r) =>
      r.checks.map((c) => `${r.name}: ${c.claim}: ${c.measured}: ${c.holds}`),
    );
    // Every one of the closed forms above, and both deep sigmoid thresholds, is among the checks.
    expect(verdicts.filter((v) => v.includes('decay of'))).toHaveLength(5);
    expect(verdicts.filter((v) => v.includes('first/last ‖∂L/∂W‖ at init'))).toHaveLength(2);
    for (const verdict of verdicts) expect(verdict).toMatch(/: true$/);
  }, 30_000);
});

describe('check logic', () => {
  const fakeRun = (decayPerLayer: number, weightRatio = 1): ArmRun => ({
    seed: 0,
    steps: 0,
    init: { decayPerLayer, weightRatio, signalRatio: 1, saturated: null, dead: null },
    trained: null,
    batchLoss: NaN,
    loss: NaN,
    accuracy: null,
    diverged: null,
    probes: {},
    seconds: 0,
  });

  it('a closed form fails outside the tolerance, on the seed average', () => {
    const runs: ArmRuns = { a: [fakeRun(1.1), fakeRun(1.3), fakeRun(1.5)] };
    expect(closedForm('a', Math.SQRT2, '√2').evaluate(runs).holds).toBe(true);
    expect(closedForm('a', Math.sqrt(3), '√3').evaluate(runs).holds).toBe(false);
  });

  it('a direction holds only if it holds for every seed', () => {
    const check = everySeed('ratio below 1e-3', '< 1e-3', true, (s) => ({
      holds: s.a.init.weightRatio < 1e-3,
      values: { ratio: s.a.init.weightRatio },
    }));
    const outcome = check.evaluate({ a: [fakeRun(1, 1e-4), fakeRun(1, 2e-3), fakeRun(1, 1e-5)] });
    expect(outcome.holds).toBe(false);
    expect(outcome.seeds).toEqual({ held: 2, of: 3 });
  });
});
