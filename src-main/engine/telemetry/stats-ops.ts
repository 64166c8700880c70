/**
 * Per-layer telemetry as tfjs ops, for backends whose memory this process
 * cannot read directly (tfjs-node, GPU). Layers whose tensors have the same
 * shape are stacked and reduced together (a deep MLP has a handful of
 * distinct shapes), so the cost in ops grows with the number of distinct
 * shapes, not of layers; the result is one [layers × LAYER_STAT_STRIDE]
 * tensor that the trainer reads back in a single transfer with the loss.
 */
import { RELU_FAMILY } from '../../../src-shared/layers/activations';
import { HISTOGRAM_BINS, HISTOGRAM_LOG10_MIN } from '../../../src-shared/telemetry';
import { tf, type Tensor } from '../backend/tf';
import { SATURATED_OUTPUT, type LayerObservation, type StatsOptions } from './observation';

type Tensor2D = ReturnType<typeof tf.tensor2d>;

type Reducer = (stacks: Tensor[]) => Tensor;

/**
 * Statistics of every layer, [layers, LAYER_STAT_STRIDE], in the packed
 * order of LAYER_STAT_FIELDS then the histogram; NaN where a statistic does
 * not apply. Call inside tf.tidy.
 */
export function layerStatsWithOps(layers: readonly LayerObservation[], options: StatsOptions = {}): Tensor {
  const column = (t: Tensor, start: number, size: number) => tf.slice(t, [0, start], [-1, size]);
  const kernel = grouped(
    layers.map((l) => (l.weightGrad ? [l.weightGrad] : undefined)),
    3 + HISTOGRAM_BINS,
    kernelStats,
  );
  const outGrad = grouped(
    layers.map((l) => [l.outputGrad ?? tf.zerosLike(l.output)]),
    1,
    ([g]) => robustNorm(flatten(g)),
  );
  const stepScale = options.stepIsScaledGradient;
  const update = stepScale
    ? // Plain SGD steps by −scale·g, so ‖Δ‖ = scale·gradNorm: only ‖W‖ needs a pass.
      tf.div(
        tf.mul(column(kernel, 0, 1), tf.abs(stepScale)),
        grouped(
          layers.map((l) => (l.weight ? [l.weight] : undefined)),
          1,
          ([weight]) => tf.sqrt(tf.sum(tf.square(flatten(weight)), 1, true)),
        ),
      )
    : grouped(
        layers.map((l) => (l.weight && l.weightStep ? [l.weight, l.weightStep] : undefined)),
        1,
        ([weight, step]) => tf.div(robustNorm(flatten(step)), robustNorm(flatten(weight))),
      );
  const moments = grouped(
    layers.map((l) => [l.output]),
    2,
    ([y]) => {
      const { mean, variance } = tf.moments(flatten(y), 1);
      return tf.stack([mean, tf.sqrt(variance)], 1);
    },
  );
  const saturated = tf.addN(
    (['sigmoid', 'tanh'] as const).map((kind) =>
      grouped(
        layers.map((l) => (l.activation === kind ? [l.output] : undefined)),
        1,
        ([y]) => {
          const { center, halfWidth } = SATURATED_OUTPUT[kind];
          const distance = tf.abs(center === 0 ? flatten(y) : tf.sub(flatten(y), center));
          // step(d − h) is 1 where d > h: WASM's Greater and Cast are ~10× slower than Sub and Step.
          return tf.mean(tf.step(tf.sub(distance, halfWidth)), 1, true);
        },
        0,
      ),
    ),
  );
  const hasSaturation = layers.map((l) => l.activation === 'sigmoid' || l.activation === 'tanh');
  const dead = grouped(
    // These activations are ≤ 0 exactly where z ≤ 0, so the output tells.
    layers.map((l) => (l.activation && RELU_FAMILY.includes(l.activation) ? [l.output] : undefined)),
    1,
    ([y]) => {
      const [k, batch] = y.shape;
      const perUnit = tf.max(tf.reshape(y, [k, batch, -1]), 1);
      return tf.expandDims(tf.mean(tf.cast(tf.lessEqual(perUnit, 0), 'float32'), 1), 1);
    },
  );
  return tf.concat(
    [
      column(kernel, 0, 1),
      outGrad,
      column(kernel, 1, 2),
      update,
      moments,
      withMissing(saturated, hasSaturation),
      dead,
      column(kernel, 3, HISTOGRAM_BINS),
    ],
    1,
  );
}

/** [k, ...] → [k, n]. */
function flatten(t: Tensor): Tensor {
  return tf.reshape(t, [t.shape[0], -1]);
}

/**
 * ‖row‖₂ of each row of [k, n], as max|x| · ‖x / max|x|‖₂ so that gradients
 * of 1e-25 do not underflow to 0 when squared in float32. Returns [k, 1].
 */
function robustNorm(rows: Tensor): Tensor {
  const magnitude = tf.abs(rows);
  return scaledNorm(magnitude, tf.max(magnitude, 1, true));
}

/**
 * max · ‖|x| / max‖₂ per row. Multiplying by a clamped reciprocal instead of
 * divNoNan keeps the broadcast on WASM's fast path (its broadcasting Equal,
 * used by divNoNan, is ~6× slower); an all-zero row gives 0, not NaN.
 */
function scaledNorm(magnitude: Tensor, max: Tensor): Tensor {
  const inverse = tf.div(1, tf.maximum(max, TINY));
  return tf.mul(max, tf.sqrt(tf.sum(tf.square(tf.mul(magnitude, inverse)), 1, true)));
}

/** Below float32's smallest normal number: only a true zero row is clamped. */
const TINY = 1e-38;

/** [norm, mean|g|, max|g|, histogram…] of each stacked gradient: [k, 3 + bins]. */
function kernelStats([grad]: Tensor[]): Tensor {
  const magnitude = tf.abs(flatten(grad));
  const max = tf.max(magnitude, 1, true);
  const norm = scaledNorm(magnitude, max);
  const mean = tf.mean(magnitude, 1, true);
  // Bin = ⌊log10|g|⌋ − MIN, clamped: zeros (log = −∞) land in the first bin.
  const bins = tf.cast(
    tf.clipByValue(
      tf.floor(tf.sub(tf.mul(tf.log(magnitude), Math.LOG10E), HISTOGRAM_LOG10_MIN)),
      0,
      HISTOGRAM_BINS - 1,
    ),
    'int32',
  );
  const counts = tf.cast(
    tf.denseBincount(bins as Tensor2D, tf.tensor2d([], [0, 0], 'float32'), HISTOGRAM_BINS),
    'float32',
  );
  return tf.concat([norm, mean, max, counts], 1);
}

/**
 * Applies `reduce` to each group of same-shaped entries (stacked on a new
 * leading axis) and returns [layers, width] in layer order, with `fill`
 * (NaN: "does not apply") for layers without an entry.
 */
function grouped(
  entries: readonly (Tensor[] | undefined)[],
  width: number,
  reduce: Reducer,
  fill = NaN,
): Tensor {
  const groups = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    if (!entry) return;
    const key = entry.map((t) => t.shape.join('x')).join('|');
    const members = groups.get(key) ?? [];
    members.push(i);
    groups.set(key, members);
  });
  const parts: Tensor[] = [];
  const rowOf = new Array<number>(entries.length).fill(-1);
  let rows = 0;
  for (const members of groups.values()) {
    const arity = entries[members[0]]!.length;
    const stacks = Array.from({ length: arity }, (_, a) =>
      members.length === 1
        ? tf.expandDims(entries[members[0]]![a], 0)
        : tf.stack(members.map((i) => entries[i]![a])),
    );
    parts.push(reduce(stacks));
    members.forEach((layer, k) => (rowOf[layer] = rows + k));
    rows += members.length;
  }
  parts.push(tf.fill([1, width], fill));
  const all = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  const index = rowOf.map((r) => (r < 0 ? rows : r));
  return tf.gather(all, tf.tensor1d(index, 'int32'));
}

/** Keeps values where `present`, NaN elsewhere (for statistics summed over kinds). */
function withMissing(values: Tensor, present: readonly boolean[]): Tensor {
  const mask = tf.tensor2d(
    present.map((p) => [p ? 1 : 0]),
    [present.length, 1],
    'bool',
  );
  return tf.where(mask, values, tf.fill(values.shape, NaN));
}
