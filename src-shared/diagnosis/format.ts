/**
 * Number and name formatting for findings: decades with superscript exponents
 * (10⁻⁵), percentages, and layer lists that collapse runs ("d1–d3").
 */

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** The nearest power of ten of a positive number, written `10⁻⁵`; `0` for zero, `?` for anything else. */
export function decade(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value) || value < 0) return '?';
  const exponent = Math.round(Math.log10(value));
  return `10${[...String(exponent)].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

/** `10⁻⁸` or `10⁻⁸–10⁻⁴`: the decades of the smallest and largest of some values. */
export function decadeRange(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return '?';
  const low = decade(Math.min(...finite));
  const high = decade(Math.max(...finite));
  return low === high ? low : `${low} to ${high}`;
}

/** A fraction as a whole percentage with a narrow space, `72 %` (`< 1 %` for small non-zero values). */
export function percent(fraction: number): string {
  if (fraction > 0 && fraction < 0.005) return '< 1 %';
  return `${Math.round(fraction * 100)} %`;
}

/**
 * Names a set of layers in network order: runs of consecutive layers collapse
 * to `first–last`, and the groups are joined with commas and "and"
 * (`d1–d3, d5 and d7–d9`). `order` is the full list the runs are measured in.
 */
export function layerList(ids: readonly string[], order: readonly string[]): string {
  const position = new Map(order.map((id, i) => [id, i]));
  // Ids missing from `order` go last, each on its own.
  const at = (id: string) => position.get(id) ?? Number.POSITIVE_INFINITY;
  const sorted = [...ids].sort((a, b) => (at(a) === at(b) ? 0 : at(a) < at(b) ? -1 : 1));
  const groups: string[][] = [];
  for (const id of sorted) {
    const last = groups[groups.length - 1];
    const previous = last?.[last.length - 1];
    const adjacent = previous !== undefined && position.has(id) && at(id) === at(previous) + 1;
    if (adjacent) last.push(id);
    else groups.push([id]);
  }
  const names = groups.map((g) => (g.length === 1 ? g[0] : `${g[0]}–${g[g.length - 1]}`));
  return names.length < 2
    ? names.join('')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "layer d4" or "layers d1–d3", for the start of a sentence. */
export function layersPhrase(ids: readonly string[], order: readonly string[]): string {
  return `${ids.length === 1 ? 'Layer' : 'Layers'} ${layerList(ids, order)}`;
}

const ACTIVATION_NAMES: Readonly<Record<string, string>> = {
  relu: 'ReLU',
  leakyRelu: 'LeakyReLU',
  elu: 'ELU',
  selu: 'SELU',
  gelu: 'GELU',
};

/** An activation as prose writes it: `ReLU`, `LeakyReLU`, `sigmoid`, `tanh`. */
export function activationName(activation: string): string {
  return ACTIVATION_NAMES[activation] ?? activation;
}

/** "10⁻³ of their size" or "10² times their size": an update / weight ratio in words. */
export function relativeSize(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v));
  const word = finite.length && Math.min(...finite) >= 1 ? 'times' : 'of';
  return `${decadeRange(finite)} ${word} their size`;
}
