/**
 * What a 2-D classifier predicts over the plane: class probabilities on a
 * grid covering the training data, for the decision-boundary view, and a
 * sample of the points themselves to draw on top.
 */
import type { DataPreview, DecisionBoundary } from '../../../src-shared/protocol';
import { scoped } from '../backend/scope';
import { tf } from '../backend/tf';
import type { LoadedData } from '../data/types';
import { forward } from '../model/forward';
import type { Network } from '../model/network';

const RESOLUTION = 48;
const PREVIEW_POINTS = 600;

/** True for data this view applies to: two input features, classification. */
export function hasPlane(data: LoadedData): boolean {
  return data.inputShape.length === 1 && data.inputShape[0] === 2 && data.task === 'classification';
}

/** Up to 600 evenly spaced training points (the split is already shuffled). */
export function dataPreview(data: LoadedData): DataPreview | null {
  if (!hasPlane(data) || !data.train.labels) return null;
  const n = Math.min(PREVIEW_POINTS, data.train.n);
  const stride = data.train.n / n;
  const x = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i * stride);
    x[2 * i] = data.train.x[2 * row];
    x[2 * i + 1] = data.train.x[2 * row + 1];
    labels[i] = data.train.labels[row];
  }
  return { x, labels, classes: data.outputUnits };
}

/** The grid's extent: the data's bounding box with a margin of 10 %. */
export function planeRange(data: LoadedData): { xRange: [number, number]; yRange: [number, number] } {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < data.train.n; i++) {
    const x = data.train.x[2 * i];
    const y = data.train.x[2 * i + 1];
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  const mx = (x1 - x0) * 0.1 || 1;
  const my = (y1 - y0) * 0.1 || 1;
  return { xRange: [x0 - mx, x1 + mx], yRange: [y0 - my, y1 + my] };
}

/** Class probabilities (softmax, or sigmoid for one output) on the grid, in inference mode. */
export function decisionBoundary(
  network: Network,
  range: { xRange: [number, number]; yRange: [number, number] },
  classes: number,
  step: number,
): DecisionBoundary {
  const p = gridProbabilities(network, range);
  try {
    return {
      step,
      resolution: RESOLUTION,
      ...range,
      classes: Math.max(classes, 1),
      probabilities: p.dataSync().slice() as Float32Array,
    };
  } finally {
    p.dispose();
  }
}

/** {@link decisionBoundary} on a backend that reads only asynchronously (WebGPU). */
export async function decisionBoundaryAsync(
  network: Network,
  range: { xRange: [number, number]; yRange: [number, number] },
  classes: number,
  step: number,
): Promise<DecisionBoundary> {
  const p = gridProbabilities(network, range);
  try {
    const probabilities = (await p.data()) as Float32Array;
    return { step, resolution: RESOLUTION, ...range, classes: Math.max(classes, 1), probabilities };
  } finally {
    p.dispose();
  }
}

/** The probabilities over the grid, as a tensor the caller disposes. */
function gridProbabilities(network: Network, range: { xRange: [number, number]; yRange: [number, number] }) {
  const grid = new Float32Array(RESOLUTION * RESOLUTION * 2);
  for (let r = 0; r < RESOLUTION; r++) {
    for (let c = 0; c < RESOLUTION; c++) {
      const i = r * RESOLUTION + c;
      grid[2 * i] = range.xRange[0] + ((c + 0.5) / RESOLUTION) * (range.xRange[1] - range.xRange[0]);
      grid[2 * i + 1] = range.yRange[0] + ((r + 0.5) / RESOLUTION) * (range.yRange[1] - range.yRange[0]);
    }
  }
  return scoped(() => {
    const x = tf.tensor2d(grid, [RESOLUTION * RESOLUTION, 2]);
    const weights = network.weights.map((w) => w.variable);
    const logits = forward(network, x, weights, { training: false }).outputs[network.outputIndex];
    return tf.keep(logits.shape[1] === 1 ? tf.sigmoid(logits) : tf.softmax(logits));
  });
}
