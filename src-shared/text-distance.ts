/**
 * "Did you mean …?" support shared by the parameter checks, the design
 * validator and the layer-type suggestions: one edit distance, one rule.
 */

/** Levenshtein distance (insertions, deletions, substitutions), in O(|a|·|b|) time and O(|b|) memory. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The candidate within edit distance 2 of `name` (case-insensitive), to suggest on a typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  // Long inputs cannot be a typo of a short name; skip the quadratic work.
  if (name.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
