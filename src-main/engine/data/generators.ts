/**
 * The generated toy data sets: 2-D classification problems in the style of
 * the TensorFlow Playground and CS231n, and a 1-D sine regression. Each is a
 * pure function of its options and a seeded {@link Random}, so the same seed
 * gives the same points on every machine. Rows come out grouped by class; the
 * split that follows shuffles them.
 */
import type { Random } from './random';
import type { RawData } from './types';

/** Options of a generator, with the catalogue's defaults already applied. */
export interface GeneratorOptions {
  samples: number;
  /** Number of classes; ignored by the fixed two-class sets and by sine. */
  classes: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (or target). */
  noise: number;
}

/** Makes one data set from its options and a seeded stream. */
export type Generator = (options: GeneratorOptions, random: Random) => RawData;

/**
 * How many rows each class gets: as even as possible, the remainder going to
 * the first classes, so classes differ by at most one row.
 */
export function classCounts(samples: number, classes: number): number[] {
  const base = Math.floor(samples / classes);
  const extra = samples % classes;
  return Array.from({ length: classes }, (_, k) => base + (k < extra ? 1 : 0));
}

/**
 * Builds a 2-D classification set class by class: `point(k, i, m)` returns
 * the noise-free point i of m in class k, and Gaussian noise is added to both
 * coordinates.
 */
function planar(
  options: GeneratorOptions,
  classes: number,
  random: Random,
  point: (k: number, i: number, m: number) => [number, number],
): RawData {
  const { samples, noise } = options;
  const x = new Float32Array(samples * 2);
  const labels = new Int32Array(samples);
  let row = 0;
  classCounts(samples, classes).forEach((m, k) => {
    for (let i = 0; i < m; i++, row++) {
      const [px, py] = point(k, i, m);
      x[2 * row] = px + noise * random.normal();
      x[2 * row + 1] = py + noise * random.normal();
      labels[row] = k;
    }
  });
  return {
    x,
    n: samples,
    inputShape: [2],
    task: 'classification',
    labels,
    outputUnits: classes,
    classNames: Array.from({ length: classes }, (_, k) => String(k)),
    featureNames: ['x1', 'x2'],
  };
}

/**
 * Spiral arms, one per class (CS231n): along an arm the radius grows
 * from 0 to 1 while the angle turns 4 radians; arm k starts at angle 2πk/K
 * so the K arms interleave. The centre, where arms meet, is inherently mixed.
 */
export const spiral: Generator = (options, random) =>
  planar(options, options.classes, random, (k, i, m) => {
    const r = (i + 0.5) / m;
    const t = 4 * r + (2 * Math.PI * k) / options.classes;
    return [r * Math.sin(t), r * Math.cos(t)];
  });

/**
 * Two interleaving half circles (scikit-learn's `make_moons`), shifted so the
 * pair is centred on the origin.
 */
export const moons: Generator = (options, random) =>
  planar(options, 2, random, (k, i, m) => {
    const angle = m > 1 ? (Math.PI * i) / (m - 1) : 0;
    return k === 0
      ? [Math.cos(angle) - 0.5, Math.sin(angle) - 0.25]
      : [0.5 - Math.cos(angle), 0.25 - Math.sin(angle)];
  });

/** A circle of radius 0.5 (class 1) inside one of radius 1 (class 0), points evenly spaced. */
export const circles: Generator = (options, random) =>
  planar(options, 2, random, (k, i, m) => {
    const radius = k === 0 ? 1 : 0.5;
    const angle = (2 * Math.PI * i) / m;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });

/**
 * XOR: points uniform in [-1, 1]², kept a small margin away from the axes
 * (as the Playground does) so the noise-free labels are unambiguous. Class 0
 * when x and y have the same sign, class 1 otherwise; each class gets its
 * two quadrants at random.
 */
export const xor: Generator = (options, random) =>
  planar(options, 2, random, (k) => {
    const margin = 0.05;
    const sx = random.next() < 0.5 ? -1 : 1;
    const sy = k === 0 ? sx : -sx;
    return [sx * (margin + (1 - margin) * random.next()), sy * (margin + (1 - margin) * random.next())];
  });

/** One isotropic Gaussian blob per class, centres evenly spaced on a circle of radius 2. */
export const gaussians: Generator = (options, random) =>
  planar(options, options.classes, random, (k) => {
    const angle = (2 * Math.PI * k) / options.classes;
    return [2 * Math.cos(angle), 2 * Math.sin(angle)];
  });

/** Regression: x uniform in [-π, π), target sin(x) plus Gaussian noise. */
export const sine: Generator = (options, random) => {
  const { samples, noise } = options;
  const x = new Float32Array(samples);
  const targets = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const value = random.uniform(-Math.PI, Math.PI);
    x[i] = value;
    targets[i] = Math.sin(value) + noise * random.normal();
  }
  return {
    x,
    n: samples,
    inputShape: [1],
    task: 'regression',
    targets,
    outputUnits: 1,
    featureNames: ['x'],
  };
};

/** The generators by data set name. */
export const GENERATORS = { spiral, moons, circles, xor, gaussians, sine } as const;

/** Names of the data sets computed rather than read from a package. */
export type GeneratedDatasetName = keyof typeof GENERATORS;
