import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../telemetry';
import { diagnose } from './diagnose';
import { loadRun, type FixtureName } from './fixtures';
import type { Finding, FindingKind } from './types';

function run(name: FixtureName, options: { withDivergence?: boolean } = {}): Finding[] {
  const { design, records, diverged } = loadRun(name);
  return diagnose(records, { design, diverged: options.withDivergence === false ? undefined : diverged });
}

const kinds = (findings: Finding[]) => findings.map((f) => f.kind);
const find = (findings: Finding[], kind: FindingKind) => {
  const finding = findings.find((f) => f.kind === kind);
  if (!finding) throw new Error(`no ${kind} finding among ${kinds(findings).join(', ')}`);
  return finding;
};
const remedyIds = (finding: Finding) => finding.remedies.map((r) => r.id);

describe('diagnose on recorded runs', () => {
  it('deep sigmoid: vanishing gradient in d1–d6, as an error, with both kinds of evidence', () => {
    const findings = run('vanishing-sigmoid');
    expect(kinds(findings)).toEqual(['vanishing']);
    const vanishing = find(findings, 'vanishing');
    expect(vanishing.severity).toBe('error');
    expect(vanishing.layers).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    expect(vanishing.title).toBe('Vanishing gradient in d1–d6');
    expect(vanishing.detail).toMatch(
      /^Layers d1–d6 get 10⁻⁸ to 10⁻³ of the gradient of d10 \(median over steps 100–190; d1: 10⁻⁸ at step 0\)\./,
    );
    // The sigmoid units are not saturated in this run: the text must not claim they are.
    expect(vanishing.detail).toContain('Their sigmoid units are not saturated (0 %)');
    // Glorot & Bengio: the back-propagated signal is stated next to the weight gradients.
    expect(vanishing.detail).toContain("the gradient at d1's output is 10⁻⁸ of d10's");
    expect(remedyIds(vanishing)).toEqual([
      'swap-relu-he',
      'insert-batchnorm',
      'match-init',
      'add-skip-connections',
      'remove-layers',
    ]);
    expect(vanishing.remedies[0].label).toBe('Swap sigmoid → ReLU + He init');
    expect(vanishing.remedies[2].label).toBe('Switch to Xavier init');
  });

  it('exploding run: divergence quoting the engine, exploding gradient, too-large updates', () => {
    const { diverged } = loadRun('exploding-relu');
    const findings = run('exploding-relu');
    expect(kinds(findings).slice(0, 2)).toEqual(['divergence', 'exploding']);
    expect(kinds(findings)).toContain('largeUpdates');
    expect(kinds(findings)).not.toContain('vanishing');
    const divergence = find(findings, 'divergence');
    expect(divergence.severity).toBe('error');
    expect(divergence.title).toBe('Training diverged at step 3');
    expect(divergence.detail).toContain(diverged?.message ?? 'missing');
    expect(divergence.layers).toEqual(['d8']);
    expect(remedyIds(divergence)).toEqual(['lower-learning-rate', 'clip-gradients', 'insert-batchnorm']);
    expect(divergence.remedies[0].label).toBe('Lower learning rate to 0.1');
    const exploding = find(findings, 'exploding');
    expect(exploding.severity).toBe('error');
    expect(exploding.title).toBe('Exploding gradient in d1–d10 and out');
    expect(exploding.detail).toMatch(/grew 10⁴ to 10⁵-fold since step 0/);
  });

  it('exploding run without its divergence line: the growth alone is a warning', () => {
    const findings = run('exploding-relu', { withDivergence: false });
    expect(kinds(findings)).not.toContain('divergence');
    expect(find(findings, 'exploding').severity).toBe('warning');
  });

  it('healthy shallow tanh: no finding at all', () => {
    expect(run('healthy-tanh')).toEqual([]);
  });

  it('after "swap to ReLU + He init": no vanishing or exploding finding', () => {
    const findings = run('vanishing-sigmoid-relu-he');
    expect(kinds(findings)).not.toContain('vanishing');
    expect(kinds(findings)).not.toContain('exploding');
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('dead ReLU: dead units that died during training, with LeakyReLU and a lower learning rate', () => {
    const findings = run('dead-relu');
    expect(kinds(findings)).toEqual(['deadUnits']);
    const dead = find(findings, 'deadUnits');
    expect(dead.severity).toBe('warning');
    expect(dead.layers).toEqual(['d1', 'd2', 'd3', 'd4']);
    expect(dead.title).toBe('Dead ReLU units in d1–d4');
    expect(dead.detail).toMatch(/^\d+–\d+ % of the ReLU units in d1–d4 are dead/);
    expect(dead.detail).toContain('died during training');
    expect(remedyIds(dead)).toEqual(['swap-leaky-relu', 'lower-learning-rate']);
    expect(dead.remedies[1].label).toBe('Lower learning rate to 0.01');
  });

  it('saturating tanh: saturation in d2–d5, not vanishing', () => {
    const findings = run('saturating-tanh');
    expect(kinds(findings)).toEqual(['saturation']);
    const saturation = find(findings, 'saturation');
    expect(saturation.layers).toEqual(['d2', 'd3', 'd4', 'd5']);
    expect(saturation.title).toBe('Saturated tanh units in d2–d5');
    expect(saturation.detail).toMatch(/^\d+–\d+ % of the tanh units in d2–d5 are saturated/);
    // The cause here is the N(0, 1) init, so the matched initializer comes first.
    expect(saturation.remedies[0].label).toBe('Switch to Xavier init');
  });
});

/** A copy of records with one layer's statistic replaced. */
function edit(
  records: readonly StepRecord[],
  change: (layer: StepRecord['layers'][number], record: StepRecord) => Partial<StepRecord['layers'][number]>,
): StepRecord[] {
  return records.map((r) => ({ ...r, layers: r.layers.map((l) => ({ ...l, ...change(l, r) })) }));
}

describe('diagnose: robustness and the cautions of docs/domain.md', () => {
  it('one wild record in the recent window does not change the findings (medians)', () => {
    const { design, records } = loadRun('healthy-tanh');
    const lastStep = records[records.length - 1].step;
    const noisy = edit(records, (l, r) =>
      r.step === lastStep && l.id === 'd1' ? { gradNorm: 1e-9, outGradNorm: 1e-9, updateRatio: 10 } : {},
    );
    expect(diagnose(noisy, { design })).toEqual([]);
  });

  it('reads the at-init record alone', () => {
    const { design, records } = loadRun('vanishing-sigmoid');
    const findings = diagnose(records.slice(0, 1), { design });
    expect(findings.map((f) => f.kind)).toEqual(['vanishing']);
    expect(findings[0].detail).toContain('median over step 0');
  });

  it('ignores record order and non-step lines', () => {
    const { design, records } = loadRun('dead-relu');
    const shuffled = [...records].reverse();
    expect(diagnose(shuffled, { design }).map((f) => f.detail)).toEqual(
      diagnose(records, { design }).map((f) => f.detail),
    );
  });

  it('no records: nothing, or only the divergence', () => {
    const { design } = loadRun('exploding-relu');
    expect(diagnose([], { design })).toEqual([]);
    const diverged = { step: 0, layerId: null, message: 'Training diverged at step 0: the loss became NaN.' };
    const findings = diagnose([], { design, diverged });
    expect(findings.map((f) => f.kind)).toEqual(['divergence']);
    expect(findings[0].layers).toEqual([]);
  });

  it('weight gradients flat but the back-propagated signal vanishing: says so (Glorot & Bengio 2010)', () => {
    const { design, records } = loadRun('healthy-tanh');
    const scaled = edit(records, (l) => (l.id === 'd1' ? { outGradNorm: l.outGradNorm * 1e-5 } : {}));
    const vanishing = diagnose(scaled, { design }).find((f) => f.kind === 'vanishing');
    expect(vanishing?.layers).toEqual(['d1']);
    expect(vanishing?.detail).toContain('Their weight gradients look comparable to d3');
    expect(vanishing?.detail).toContain('the back-propagated signal vanishes');
  });

  it('weight gradients vanishing but the signal not: says where the small gradient comes from', () => {
    const { design, records } = loadRun('healthy-tanh');
    const scaled = edit(records, (l) => (l.id === 'd1' ? { gradNorm: (l.gradNorm ?? 0) * 1e-5 } : {}));
    const vanishing = diagnose(scaled, { design }).find((f) => f.kind === 'vanishing');
    expect(vanishing?.severity).toBe('warning');
    expect(vanishing?.detail).toContain("The gradient reaching d1's output is still");
  });

  it('a network with BatchNorm: the skip-connection remedy does not promise a larger gradient', () => {
    const { design, records } = loadRun('vanishing-sigmoid');
    // Same telemetry, but the design now has a BatchNorm after d10: the remedy text must carry the caution.
    const { nodes, edges } = design.graph;
    const withBn = {
      ...design,
      graph: {
        nodes: [...nodes, { id: 'bn1', type: 'batchNormalization' as const, params: {} }],
        edges: [
          ...edges.map((e) => (e.source === 'd10' ? { ...e, source: 'bn1' } : e)),
          { id: 'ebn', source: 'd10', target: 'bn1' },
        ],
      },
    };
    const skip = diagnose(records, { design: withBn })
      .flatMap((f) => f.remedies)
      .find((r) => r.id === 'add-skip-connections');
    expect(skip?.description).toContain('not the gradient larger (He et al. 2016');
    const plain = diagnose(records, { design })
      .flatMap((f) => f.remedies)
      .find((r) => r.id === 'add-skip-connections');
    expect(plain?.description).not.toContain('He et al. 2016');
  });
});
