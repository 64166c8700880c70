/**
 * Every generated experiment design, keyed by its file name in
 * resources/examples/. The two deep sigmoid files predate the experiments and
 * are kept as they are (their names and node ids are relied on elsewhere), so
 * they are not listed here. Regenerate with
 * `npx tsx src-main/engine/experiments/write-examples.ts`.
 */
import { designDoc, mlp, residualMlp, sigmoidWithSkips, SPIRAL, type DesignDoc } from './build';

const SGD = { optimizer: 'sgd', learningRate: 0.1, batchSize: 64, epochs: 20, seed: 42 };
const MOMENTUM = {
  optimizer: 'momentum',
  learningRate: 0.01,
  momentum: 0.9,
  batchSize: 64,
  epochs: 20,
  seed: 42,
};

function glorotTanh(init: 'standardUniform' | 'glorotUniform'): DesignDoc {
  const standard = init === 'standardUniform';
  return designDoc(
    standard ? 'Glorot & Bengio: tanh with the standard init' : 'Glorot & Bengio: tanh with Xavier init',
    (standard
      ? 'Five dense layers of 256 tanh units with the "standard" initialization W ~ U[−1/√n, 1/√n] (standardUniform), so Var(W) = 1/(3n). '
      : 'Five dense layers of 256 tanh units with the normalized ("Xavier") initialization W ~ U[−√6/√(n_in+n_out), √6/√(n_in+n_out)] (glorotUniform), so Var(W) = 1/n here. ') +
      'In the linear regime of tanh each layer multiplies the variance of the back-propagated gradient by n·Var(W): 1/3 with the standard init, 1 with Xavier. ' +
      'What to look at: the output-gradient norms (outGradNorm) at step 0 — ' +
      (standard
        ? 'they fall by about √3 ≈ 1.7 per layer towards the input, '
        : 'they stay about flat from the last hidden layer to the first, ') +
      'while the weight-gradient norms look much more alike (the caution of the paper). ' +
      'Compare with glorot-tanh-' +
      (standard ? 'xavier' : 'standard') +
      '.backflow.json. ' +
      'Glorot & Bengio found the back-propagated gradients shrinking towards the input with the standard init and staying flat with the normalized one, which also trained faster ' +
      '(X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural networks", AISTATS 2010).',
    mlp([2], 5, { units: 256, activation: 'tanh', init }, init),
    SPIRAL,
    { ...SGD, batchSize: 32, learningRate: 0.05 },
  );
}

function heRelu(init: 'glorotUniform' | 'heNormal'): DesignDoc {
  const xavier = init === 'glorotUniform';
  return designDoc(
    xavier ? 'He et al.: 30-layer ReLU with Xavier init' : 'He et al.: 30-layer ReLU with He init',
    `Thirty dense ReLU layers of 64 units, no normalization and no skips, initialized with ${
      xavier ? 'Xavier (glorotUniform, Var(W) = 1/n for a square layer)' : 'He (heNormal, Var(W) = 2/n)'
    }. ReLU zeroes half of the units, so each layer multiplies the gradient variance by n·Var(W)/2: ` +
      (xavier
        ? '1/2 here, and the back-propagated gradient std falls by √2 ≈ 1.41 per layer — about 2^14.5 ≈ 2·10⁴ over the 29 layers. '
        : '1 here, and the back-propagated gradient keeps its size from the last layer to the first. ') +
      'What to look at: the output-gradient norms at step 0 (outGradNorm), the loss curve, and the dead fraction. ' +
      `Compare with he-relu30-${xavier ? 'he' : 'xavier'}.backflow.json. ` +
      'He et al. found that a 30-layer plain network with Xavier init stalls while their init converges ' +
      '(K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: surpassing human-level performance on ImageNet classification", ICCV 2015, Figure 3).',
    mlp([2], 30, { units: 64, activation: 'relu', init }, 'glorotUniform'),
    SPIRAL,
    MOMENTUM,
  );
}

function he2016(kind: 'plain' | 'resnet', depth: 20 | 56, batchNorm: boolean): DesignDoc {
  const g =
    kind === 'plain'
      ? mlp([2], depth - 1, { units: 32, activation: 'relu', init: 'heNormal', batchNorm }, 'glorotUniform')
      : residualMlp(depth, 32, { batchNorm, branchStd: 0.05 });
  const bnText = batchNorm
    ? 'As in the paper, BN uses momentum 0.9, so the moving statistics used at evaluation keep up with a short run. Here the plain networks’ trouble is not mainly vanishing gradients: He et al. checked that BN keeps the back-propagated signals of healthy size and attribute the degradation to optimization difficulty, so read this pair for the loss, not for the gradient ratios. '
    : 'This variant is the one that shows the gradient effect — the residual network’s identity path carries the gradient back unattenuated, the plain one must pass it through every layer. The second dense layer of each residual block starts small (N(0, 0.05²)) so that the 27 branches do not blow the signal up. ';
  const other = kind === 'plain' ? 'resnet' : 'plain';
  return designDoc(
    `He et al. 2016: ${kind === 'plain' ? 'plain' : 'residual'} ${depth}${batchNorm ? ' with BN' : ''}`,
    // The gallery card shows the first sentence: it must say whether this is the BN twin.
    `A ${depth}-layer ${kind === 'plain' ? 'plain' : 'residual'} ReLU MLP of width 32 ` +
      `${batchNorm ? 'with batch normalization after every dense layer' : 'without batch normalization'}, on the spiral` +
      (kind === 'resnet'
        ? ' (a stem layer, two-layer blocks x ↦ relu(x + F(x)), the output layer). '
        : '. ') +
      bnText +
      `What to look at: the training loss against the ${depth === 20 ? 56 : 20}-layer twin and against he2016-${other}-${depth}${batchNorm ? '-bn' : ''}.backflow.json. ` +
      'He et al. found that a deeper plain network has a higher training error than a shallower one (the degradation problem), while the deeper residual network trains at least as well as the shallower one ' +
      '(K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for image recognition", CVPR 2016, Figures 1 and 6).',
    g,
    SPIRAL,
    MOMENTUM,
  );
}

function ioffeMnist(batchNorm: boolean): DesignDoc {
  return designDoc(
    batchNorm
      ? 'Ioffe & Szegedy: 3 × 100 sigmoid on MNIST with BN'
      : 'Ioffe & Szegedy: 3 × 100 sigmoid on MNIST',
    'Three fully connected layers of 100 sigmoid units on MNIST digits (28 × 28, flattened), trained by SGD with batches of 60' +
      (batchNorm
        ? ', with batch normalization (momentum 0.9) between each dense layer and its sigmoid. '
        : '; each dense layer is followed by a separate sigmoid node, so the dense node’s activation statistics are the sigmoid’s inputs. ') +
      'What to look at: the validation accuracy against ' +
      (batchNorm ? 'ioffe-mnist-sigmoid.backflow.json' : 'ioffe-mnist-sigmoid-bn.backflow.json') +
      ', and the mean and std of the last hidden layer’s sigmoid inputs (' +
      (batchNorm ? 'bn3' : 'd3') +
      ') over training. Ioffe & Szegedy found that the network with BN reaches a higher test accuracy sooner and that the 15th, 50th and 85th percentiles of the sigmoid inputs stay stable with BN while they drift without it ' +
      '(S. Ioffe and C. Szegedy, "Batch normalization: accelerating deep network training by reducing internal covariate shift", ICML 2015, Figure 1).',
    mlp(
      [28, 28, 1],
      3,
      { units: 100, activation: 'sigmoid', init: 'glorotNormal', batchNorm, separateActivation: true },
      'glorotNormal',
    ),
    { source: 'builtin', name: 'mnist', samples: 3000 },
    { ...SGD, batchSize: 60, learningRate: 0.1 },
  );
}

function exploding(learningRate: number): DesignDoc {
  const high = learningRate >= 1;
  return designDoc(
    high ? 'Exploding: a learning rate far too high' : 'Exploding: the same network at a sane learning rate',
    `Six dense ReLU layers of 64 units (He init, no normalization, no clipping) trained by plain SGD at learning rate ${learningRate}. ` +
      (high
        ? 'Every update overshoots, the weights and the logits grow geometrically, and within a few dozen steps the loss becomes Inf or NaN. What to look at: the run stops itself and says at which step and layer the numbers stopped being finite, keeping the last good weights. Compare with exploding-lr-control.backflow.json. '
        : 'The control for exploding-lr.backflow.json: one change, the learning rate, and the loss falls. ') +
      'Too large a step makes gradient descent diverge — the exploding-gradient side of the same instability (Y. Bengio, P. Simard and P. Frasconi, "Learning long-term dependencies with gradient descent is difficult", IEEE TNN 1994; R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent neural networks", ICML 2013).',
    mlp([2], 6, { units: 64, activation: 'relu', init: 'heNormal' }, 'glorotUniform'),
    SPIRAL,
    { ...SGD, learningRate },
  );
}

const REMEDY_TAIL =
  'The baseline is deep-sigmoid.backflow.json (10 × 64 sigmoid, standardUniform, SGD 0.1 on the spiral); this file changes one thing. ' +
  'What to look at: the first-to-last gradient ratio at step 0 and the loss after training, against the baseline and the other remedies (remedy-*.backflow.json and deep-sigmoid-batchnorm.backflow.json). ';

function remedy(which: 'relu' | 'he-init' | 'skip' | 'fewer-layers'): DesignDoc {
  const base = { units: 64, activation: 'sigmoid', init: 'standardUniform' as unknown };
  const table = {
    relu: {
      name: 'Remedy: ReLU instead of sigmoid',
      what: 'The sigmoids become ReLUs (derivative 1 where active instead of at most 0.25); the small standard init stays, so some shrinkage per layer remains (n·Var(W)/2 = 1/6 in variance). ',
      cite: 'Glorot, Bordes & Bengio found that rectifier networks train deep networks as well as or better than sigmoid and tanh ones (X. Glorot, A. Bordes and Y. Bengio, "Deep sparse rectifier neural networks", AISTATS 2011). ',
      g: mlp([2], 10, { ...base, activation: 'relu' }, 'standardUniform'),
    },
    'he-init': {
      name: 'Remedy: He init on the deep sigmoid',
      what: 'The initialization becomes heNormal (Var(W) = 2/n, six times the standard init’s 1/(3n)) with the sigmoids kept; a larger init cannot undo σ′ ≤ 1/4, so this remedy alone is expected to help least. ',
      cite: 'He et al. derived Var(W) = 2/n to keep ReLU gradients flat (K. He et al., "Delving deep into rectifiers", ICCV 2015); Glorot & Bengio found the sigmoid itself (its saturation and mean of 0.5) a cause of poor training whatever the init (AISTATS 2010). ',
      g: mlp([2], 10, { ...base, init: 'heNormal' }, 'standardUniform'),
    },
    skip: {
      name: 'Remedy: skip connections around the sigmoids',
      what: 'Every hidden layer after the first gets a skip connection, x ↦ x + σ(Wx + b), so the gradient has an identity path to the first layer. ',
      cite: 'He et al. found that identity shortcuts let much deeper networks train, where plain ones degrade (K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for image recognition", CVPR 2016). ',
      g: sigmoidWithSkips(10, 64),
    },
    'fewer-layers': {
      name: 'Remedy: three sigmoid layers instead of ten',
      what: 'Three hidden layers instead of ten: fewer factors of σ′ ≤ 1/4 between the loss and the first layer. ',
      cite: 'Glorot & Bengio found the back-propagated gradient shrinking layer by layer towards the input, so fewer layers leave more of it (X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural networks", AISTATS 2010). ',
      g: mlp([2], 3, base, 'standardUniform'),
    },
  }[which];
  return designDoc(
    table.name,
    table.what + REMEDY_TAIL + 'What the papers found: ' + table.cite.trim(),
    table.g,
    SPIRAL,
    SGD,
  );
}

/** File name → design document, for every generated example. */
export const GENERATED_EXAMPLES: Record<string, () => DesignDoc> = {
  'glorot-tanh-standard.backflow.json': () => glorotTanh('standardUniform'),
  'glorot-tanh-xavier.backflow.json': () => glorotTanh('glorotUniform'),
  'he-relu30-xavier.backflow.json': () => heRelu('glorotUniform'),
  'he-relu30-he.backflow.json': () => heRelu('heNormal'),
  'he2016-plain-20.backflow.json': () => he2016('plain', 20, false),
  'he2016-plain-56.backflow.json': () => he2016('plain', 56, false),
  'he2016-resnet-20.backflow.json': () => he2016('resnet', 20, false),
  'he2016-resnet-56.backflow.json': () => he2016('resnet', 56, false),
  'he2016-plain-20-bn.backflow.json': () => he2016('plain', 20, true),
  'he2016-plain-56-bn.backflow.json': () => he2016('plain', 56, true),
  'he2016-resnet-20-bn.backflow.json': () => he2016('resnet', 20, true),
  'he2016-resnet-56-bn.backflow.json': () => he2016('resnet', 56, true),
  'ioffe-mnist-sigmoid.backflow.json': () => ioffeMnist(false),
  'ioffe-mnist-sigmoid-bn.backflow.json': () => ioffeMnist(true),
  'exploding-lr.backflow.json': () => exploding(10),
  'exploding-lr-control.backflow.json': () => exploding(0.05),
  'remedy-relu.backflow.json': () => remedy('relu'),
  'remedy-he-init.backflow.json': () => remedy('he-init'),
  'remedy-skip.backflow.json': () => remedy('skip'),
  'remedy-fewer-layers.backflow.json': () => remedy('fewer-layers'),
};
