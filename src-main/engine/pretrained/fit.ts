/**
 * How pretrained weights fit a design, tensor by tensor, as Keras's
 * load_weights(by_name=True, skip_mismatch=True) does: a weight the file
 * gives with the right shape is used; one it lacks or gives with another
 * shape (a new output head, a widened layer) starts from the seed, and the
 * user is told which; a file none of whose tensors fits is refused, since
 * it is another model's. buildNetwork alone would fill gaps silently.
 */
import type { GraphAnalysis } from '../../../src-shared/graph';
import { layerWeights } from '../../../src-shared/layers';
import type { WeightValues } from '../model/network';

/** At most this many problems are listed; a file for another model would otherwise list them all. */
const MAX_LISTED = 6;

/**
 * The shape every weight of an analysed design must have, keyed `nodeId/role`,
 * in network order: the layer catalogue's description, which is also what
 * buildNetwork creates.
 */
export function expectedWeightShapes(analysis: GraphAnalysis): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const id of analysis.order) {
    const layer = analysis.layers.get(id);
    const inputs = analysis.inputShapes.get(id);
    const output = analysis.shapes.get(id);
    if (!layer || !inputs || !output) continue;
    for (const w of layerWeights(layer, inputs, output)) shapes.set(`${id}/${w.role}`, [...w.shape]);
  }
  return shapes;
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
  analysis: GraphAnalysis,
  weights: WeightValues,
): { ok: true; value: PretrainedFit } | { ok: false; message: string } {
  const expected = expectedWeightShapes(analysis);
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
