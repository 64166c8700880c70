/**
 * The experiments `backflow reproduce` runs: which design files are compared,
 * for how long, and which claims of the papers are checked. Expected values
 * are the papers' (or their closed forms'), never numbers read off our own
 * runs; where a direction does not hold, the report says so.
 */
import type { ArmRun } from './measure';
import { below, bandDrift, closedForm, everySeed, lossOf, type Check } from './checks';

/** One arm: a design file of resources/examples/ and what to call it in tables. */
export interface Arm {
  id: string;
  file: string;
  /** Node ids whose output mean/std are followed over training. */
  probes?: string[];
}

/** One experiment: arms trained with the same seeds, and the checks on them. */
export interface Experiment {
  name: string;
  title: string;
  citation: string;
  arms: Arm[];
  /** Training steps per arm; multiples of 10 (telemetry is sampled every tenth). */
  steps: { quick: number; full: number };
  checks: Check[];
  /** Context that the tables alone do not give. */
  note?: string;
}

const LN3 = Math.log(3);
const initWeightRatio = (run: ArmRun) => run.init.weightRatio;

/** The remedies, each one change from the deep sigmoid baseline. */
const REMEDIES: [string, string][] = [
  ['relu', 'remedy-relu.backflow.json'],
  ['batchnorm', 'deep-sigmoid-batchnorm.backflow.json'],
  ['he-init', 'remedy-he-init.backflow.json'],
  ['skip', 'remedy-skip.backflow.json'],
  ['fewer-layers', 'remedy-fewer-layers.backflow.json'],
];

const plateau = (arm: string): Check =>
  everySeed(
    `${arm}: loss stays on the plateau`,
    `≥ 0.9 · ln 3 = ${(0.9 * LN3).toFixed(3)} (no learning)`,
    false,
    (s) => ({
      holds: lossOf(s[arm]) >= 0.9 * LN3,
      values: { loss: lossOf(s[arm]) },
    }),
  );

/** Every experiment, in the order the report lists them. */
export const EXPERIMENTS: Experiment[] = [
  {
    name: 'deep-sigmoid',
    title: 'Deep sigmoid MLP vs its BatchNorm twin',
    citation: 'Glorot & Bengio, AISTATS 2010; Ioffe & Szegedy, ICML 2015',
    arms: [
      { id: 'sigmoid', file: 'deep-sigmoid.backflow.json' },
      { id: 'sigmoid-bn', file: 'deep-sigmoid-batchnorm.backflow.json' },
    ],
    steps: { quick: 100, full: 1000 },
    checks: [
      everySeed(
        'sigmoid: first/last ‖∂L/∂W‖ at init',
        '< 1e-3',
        true,
        (s) => ({
          holds: s.sigmoid.init.weightRatio < 1e-3,
          values: { ratio: s.sigmoid.init.weightRatio },
        }),
        'geometric',
      ),
      everySeed(
        'sigmoid-bn: first/last ‖∂L/∂W‖ at init',
        '≥ 0.1',
        true,
        (s) => ({
          holds: s['sigmoid-bn'].init.weightRatio >= 0.1,
          values: { ratio: s['sigmoid-bn'].init.weightRatio },
        }),
        'geometric',
      ),
      closedForm('sigmoid', Math.sqrt(48), '√48 ≈ 6.93: n·Var(W)·E[σ′²] ≈ (1/3)(1/16) per layer'),
      plateau('sigmoid'),
      below('loss after training: BN below plain', 'BN lower (loss falls)', 'sigmoid-bn', 'sigmoid', lossOf),
    ],
  },
  {
    name: 'glorot-tanh',
    title: 'Standard vs Xavier init, 5 × 256 tanh',
    citation: 'Glorot & Bengio, AISTATS 2010',
    arms: [
      { id: 'standard', file: 'glorot-tanh-standard.backflow.json' },
      { id: 'xavier', file: 'glorot-tanh-xavier.backflow.json' },
    ],
    steps: { quick: 50, full: 500 },
    checks: [
      closedForm('standard', Math.sqrt(3), '√3 ≈ 1.73: n·Var(W) = 1/3'),
      closedForm('xavier', 1, '1 (flat): n·Var(W) = 1'),
      below('loss after training: Xavier below standard', 'Xavier lower', 'xavier', 'standard', lossOf),
    ],
  },
  {
    name: 'he-relu30',
    title: 'Xavier vs He init, 30-layer plain ReLU',
    citation: 'He, Zhang, Ren & Sun, ICCV 2015',
    arms: [
      { id: 'xavier', file: 'he-relu30-xavier.backflow.json' },
      { id: 'he', file: 'he-relu30-he.backflow.json' },
    ],
    steps: { quick: 60, full: 600 },
    checks: [
      closedForm('xavier', Math.SQRT2, '√2 ≈ 1.41: n·Var(W)/2 = 1/2'),
      closedForm('he', 1, '1 (flat): n·Var(W)/2 = 1'),
      plateau('xavier'),
      below('loss after training: He below Xavier', 'He lower (Xavier stalls)', 'he', 'xavier', lossOf),
    ],
  },
  {
    name: 'residual',
    title: 'Plain vs residual at 20 and 56 layers, with and without BN',
    citation: 'He, Zhang, Ren & Sun, CVPR 2016',
    arms: [
      { id: 'plain-20', file: 'he2016-plain-20.backflow.json' },
      { id: 'plain-56', file: 'he2016-plain-56.backflow.json' },
      { id: 'resnet-20', file: 'he2016-resnet-20.backflow.json' },
      { id: 'resnet-56', file: 'he2016-resnet-56.backflow.json' },
      { id: 'plain-20-bn', file: 'he2016-plain-20-bn.backflow.json' },
      { id: 'plain-56-bn', file: 'he2016-plain-56-bn.backflow.json' },
      { id: 'resnet-20-bn', file: 'he2016-resnet-20-bn.backflow.json' },
      { id: 'resnet-56-bn', file: 'he2016-resnet-56-bn.backflow.json' },
    ],
    steps: { quick: 20, full: 200 },
    checks: [
      below('no BN: plain-20 below plain-56', 'plain-56 trains worse', 'plain-20', 'plain-56', lossOf),
      everySeed('no BN: resnet-56 at most resnet-20', 'resnet-56 at least as good', false, (s) => ({
        holds: lossOf(s['resnet-56']) <= lossOf(s['resnet-20']),
        values: { 'resnet-56': lossOf(s['resnet-56']), 'resnet-20': lossOf(s['resnet-20']) },
      })),
      everySeed(
        'no BN, 56 layers: first/last ‖∂L/∂h‖ at init, residual vs plain',
        'residual closer to 1',
        true,
        (s) => {
          const distance = (r: number) => Math.abs(Math.log(r));
          const [res, plain] = [s['resnet-56'].init.signalRatio, s['plain-56'].init.signalRatio];
          return { holds: distance(res) < distance(plain), values: { 'resnet-56': res, 'plain-56': plain } };
        },
        'geometric',
      ),
      below('BN: plain-20 below plain-56', 'plain-56 trains worse', 'plain-20-bn', 'plain-56-bn', lossOf),
      everySeed('BN: resnet-56 at most resnet-20', 'resnet-56 at least as good', false, (s) => ({
        holds: lossOf(s['resnet-56-bn']) <= lossOf(s['resnet-20-bn']),
        values: { 'resnet-56-bn': lossOf(s['resnet-56-bn']), 'resnet-20-bn': lossOf(s['resnet-20-bn']) },
      })),
      everySeed(
        'BN: plain-56 first/last ‖∂L/∂W‖ at init',
        'healthy norms, 0.1 to 10 (paper: not vanishing)',
        true,
        (s) => ({
          holds: s['plain-56-bn'].init.weightRatio >= 0.1 && s['plain-56-bn'].init.weightRatio <= 10,
          values: { ratio: s['plain-56-bn'].init.weightRatio },
        }),
        'geometric',
      ),
    ],
    note: 'With BN the plain network’s higher loss is not a vanishing-gradient effect (He et al. checked the gradient norms; so does the last check); the no-BN pair is the one that shows the gradient effect.',
  },
  {
    name: 'bn-mnist',
    title: '3 × 100 sigmoid on MNIST, with and without BN',
    citation: 'Ioffe & Szegedy, ICML 2015',
    arms: [
      { id: 'plain', file: 'ioffe-mnist-sigmoid.backflow.json', probes: ['d3'] },
      { id: 'bn', file: 'ioffe-mnist-sigmoid-bn.backflow.json', probes: ['bn3'] },
    ],
    steps: { quick: 100, full: 1000 },
    checks: [
      everySeed('validation accuracy: BN above plain', 'BN higher', false, (s) => ({
        holds: (s.bn.accuracy ?? 0) > (s.plain.accuracy ?? 0),
        values: { bn: s.bn.accuracy ?? NaN, plain: s.plain.accuracy ?? NaN },
      })),
      everySeed(
        'drift of the last sigmoid’s input band (mean ± std)',
        'smaller with BN (stable)',
        false,
        (s) => {
          const [bn, plain] = [bandDrift(s.bn, 'bn3'), bandDrift(s.plain, 'd3')];
          return { holds: bn < plain, values: { bn, plain } };
        },
      ),
    ],
  },
  {
    name: 'exploding',
    title: 'A learning rate far too high',
    citation: 'Bengio, Simard & Frasconi 1994; Pascanu, Mikolov & Bengio, ICML 2013',
    arms: [
      { id: 'lr-10', file: 'exploding-lr.backflow.json' },
      { id: 'lr-0.05', file: 'exploding-lr-control.backflow.json' },
    ],
    steps: { quick: 50, full: 300 },
    checks: [
      everySeed(
        'lr 10: the run diverges and says why',
        'loss NaN/Inf; run stopped with a message',
        false,
        (s) => ({
          holds: s['lr-10'].diverged !== null && s['lr-10'].diverged.message.length > 0,
          values: { 'diverged at step': s['lr-10'].diverged?.step ?? NaN },
        }),
      ),
      everySeed('lr 0.05 (control): trains', 'no divergence; loss below ln 3', false, (s) => ({
        holds: !s['lr-0.05'].diverged && lossOf(s['lr-0.05']) < LN3,
        values: { loss: lossOf(s['lr-0.05']) },
      })),
    ],
  },
  {
    name: 'remedies',
    title: 'The remedies one by one on the deep sigmoid MLP',
    citation: 'Glorot & Bengio 2010; Ioffe & Szegedy 2015; He et al. 2015, 2016',
    arms: [
      { id: 'baseline', file: 'deep-sigmoid.backflow.json' },
      ...REMEDIES.map(([id, file]) => ({ id, file })),
    ],
    steps: { quick: 100, full: 1000 },
    checks: REMEDIES.flatMap(([id]) => [
      below(
        `${id}: first/last ‖∂L/∂W‖ at init above baseline`,
        'higher than baseline',
        'baseline',
        id,
        initWeightRatio,
        true,
        'geometric',
      ),
      below(`${id}: loss after training below baseline`, 'lower than baseline', id, 'baseline', lossOf),
    ]),
  },
];

/** The experiment called `name`, or undefined. */
export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
