/**
 * How pretrained weights fit a design, tensor by tensor, as Keras's
 * load_weights(by_name=True, skip_mismatch=True) does: a weight the file
 * gives with the right shape is used; one it lacks or gives with another
 * shape (a new output head, a widened layer) starts from the seed, and the
 * user is told which; a file none of whose tensors fits is refused, since
 * it is another model's. buildNetwork alone would fill gaps silently.
 */
import type { Design } from '../../../src-shared/design/types';
import type { GraphAnalysis } from '../../../src-shared/graph';
import { buildNetwork, type WeightValues } from '../model/network';

/** At most this many problems are listed; a file for another model would otherwise list them all. */
const MAX_LISTED = 6;

/** The shape every weight of `design` must have, keyed `nodeId/role`, in network order. */
export function expectedWeightShapes(design: Design, analysis: GraphAnalysis): Map<string, number[]> {
  // The network's own slots are the truth about which weights exist; its values are not needed.
  const network = buildNetwork(design, analysis, 0);
  try {
    const shapes = new Map<string, number[]>();
    for (const w of network.weights) shapes.set(`${w.nodeId}/${w.role}`, [...w.shape]);
    for (const m of network.movingStats) {
      shapes.set(`${m.nodeId}/movingMean`, [...m.mean.shape]);
      shapes.set(`${m.nodeId}/movingVariance`, [...m.variance.shape]);
    }
    return shapes;
  } finally {
    network.dispose();
  }
}

/** What of a weights file a design can use. */
export interface PretrainedFit {
  /** The tensors with a weight of the design's name and shape: the ones to start from. */
  usable: WeightValues;
  /** One line per weight that starts from the seed instead, and per tensor no layer has. */
  notes: string[];
}

/**
 * The tensors of `weights` that fit `design`, and notes naming those that
 * do not; an error message (naming the first problems) when none fits.
 */
export function fitPretrained(
  design: Design,
  analysis: GraphAnalysis,
  weights: WeightValues,
): { ok: true; value: PretrainedFit } | { ok: false; message: string } {
  const expected = expectedWeightShapes(design, analysis);
  const usable = new Map<string, WeightValues extends ReadonlyMap<string, infer V> ? V : never>();
  const notes: string[] = [];
  const show = (shape: readonly number[]) => `[${shape.join(', ')}]`;
  for (const [name, shape] of expected) {
    const given = weights.get(name);
    if (!given) notes.push(`${name}: not in the file, starts from the seed (shape ${show(shape)})`);
    else if (!sameShape(given.shape, shape) || given.values.length !== size(shape))
      notes.push(
        `${name}: the file has ${show(given.shape)}, layer ${layerOf(name)} needs ${show(shape)}; starts from the seed`,
      );
    else usable.set(name, given);
  }
  for (const name of weights.keys()) {
    if (!expected.has(name)) notes.push(`${name}: no layer of the design has this weight; not used`);
  }
  if (usable.size === 0) {
    return {
      ok: false,
      message: `none of the ${weights.size} tensors fits the design (${listed(notes).join('; ')})`,
    };
  }
  return { ok: true, value: { usable, notes: listed(notes) } };
}

/** At most MAX_LISTED notes, then how many more. */
function listed(notes: string[]): string[] {
  const more = notes.length - MAX_LISTED;
  return more > 0 ? [...notes.slice(0, MAX_LISTED), `… and ${more} more`] : notes;
}

function layerOf(name: string): string {
  return name.slice(0, name.lastIndexOf('/'));
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function size(shape: readonly number[]): number {
  return shape.reduce((x, y) => x * y, 1);
}
