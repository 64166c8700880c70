/**
 * Seeded pseudo-random numbers for everything in Backflow that must be
 * reproducible: generated data, the validation split, batch order and weight
 * initialization. "Same seed → same run" is a product promise, so nothing in
 * the engine may call `Math.random`.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator: 128-bit state, passes PractRand and BigCrush, only 32-bit integer
 * operations). Integer arithmetic makes `uint32()`, `next()` and `int()`
 * bit-identical on every JavaScript engine and platform. `normal()` uses
 * `Math.log`, `Math.sqrt`, `Math.cos` and `Math.sin`, which V8 implements in
 * software (a port of fdlibm), so it is bit-identical wherever Backflow runs
 * (Node, Electron, Chromium); another engine could differ in the last bit.
 *
 * Independent consumers must not share a stream, or adding one random draw
 * in the data code would change every initial weight. Give each its own:
 * `createRandom(deriveSeed(seed, 'init', layerId))`.
 */

/** A seeded stream of pseudo-random numbers. Not safe for cryptography. */
export interface Random {
  /** A uniform 32-bit unsigned integer in [0, 2^32). */
  uint32(): number;
  /** A uniform float in [0, 1), with 32 bits of resolution. */
  next(): number;
  /** A uniform float in [min, max). */
  uniform(min: number, max: number): number;
  /** A standard normal deviate (mean 0, standard deviation 1), by Box–Muller. */
  normal(): number;
  /**
   * A uniform integer in [0, n), without modulo bias (rejection sampling).
   * Throws a RangeError unless n is a whole number from 1 to 2^32: that is a
   * programming error, never a user one.
   */
  int(n: number): number;
}

const TWO_POW_32 = 4294967296;

/**
 * Creates a generator from a seed. Whole numbers in [0, 2^32) are used as
 * they are; any other number (negative, fractional, huge) is first hashed
 * with {@link deriveSeed}, so distinct seeds give distinct streams instead of
 * colliding after truncation.
 */
export function createRandom(seed: number): Random {
  let mix = toSeed32(seed);
  // splitmix32 spreads a small or sparse seed (0, 1, 42) over the whole
  // 128-bit state; d = 1 is the counter start the sfc32 author recommends.
  const splitmix = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = 1;

  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: the state is still correlated with the seed.
  for (let i = 0; i < 15; i++) uint32();

  const next = (): number => uint32() / TWO_POW_32;

  // Box–Muller yields two deviates per pair of uniforms; the second is kept
  // for the next call. This is part of the stream's state, hence deterministic.
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u1 = 1 - next(); // in (0, 1]: log(0) would be -Infinity
    const u2 = next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Random.int needs a whole number from 1 to 2^32, got ${n}`);
    }
    // Reject the top partial block of [0, 2^32) so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let value = uint32();
    while (value >= limit) value = uint32();
    return value % n;
  };

  return {
    uint32,
    next,
    uniform: (min, max) => min + (max - min) * next(),
    normal,
    int,
  };
}

/**
 * Derives an independent 32-bit seed from a base seed and labels, so streams
 * such as `('data', 'spiral')`, `('split')` and `('init', 'd1')` do not
 * interact: changing how many numbers one of them draws leaves the others
 * unchanged. The hash is FNV-1a over the decimal text of the seed (exactly
 * specified by ECMAScript, so the same everywhere) and over each label's
 * UTF-16 code units, with a separator between parts so `('ab', 'c')` and
 * `('a', 'bc')` differ, finished with MurmurHash3's avalanche step.
 */
export function deriveSeed(seed: number, ...labels: string[]): number {
  let hash = 0x811c9dc5;
  const feed = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
  };
  feed(String(seed));
  for (const label of labels) {
    hash ^= 0x1f; // unit separator
    hash = Math.imul(hash, 0x01000193);
    feed(label);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Shuffles an array or typed array in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<T extends { length: number; [index: number]: unknown }>(
  items: T,
  random: Random,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
  return items;
}

/** A uniformly random ordering of 0 … n-1. */
export function permutation(n: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, random);
}

function toSeed32(seed: number): number {
  return Number.isInteger(seed) && seed >= 0 && seed < TWO_POW_32 ? seed : deriveSeed(seed);
}
