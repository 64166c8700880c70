import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend';
import { tf, type Tensor } from '../backend/tf';
import { mlpDesign, prepared } from '../test-support';
import { forward } from './forward';
import { interruptibly, TrainingInterrupted } from './interrupt';
import { buildNetwork, type Network } from './network';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A 3-layer tanh MLP (tanh is tapped, so both kinds of backward check run) and a batch. */
async function setup() {
  const design = mlpDesign({ layers: 3, units: 8, activation: 'tanh' });
  const { analysis } = await prepared(design);
  const network = buildNetwork(design, analysis, 1);
  const x = tf.randomNormal([16, 2], 0, 1, 'float32', 3);
  return { network, x };
}

/** Loss and weight gradients, with every output gradient observed (as telemetry does). */
function lossAndGrads(network: Network, x: Tensor) {
  const variables = network.weights.map((w) => w.variable);
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((...ws: Tensor[]) =>
      tf.sum(
        forward(network, x, ws, { training: true, observeOutputGradient: () => {} }).outputs[
          network.outputIndex
        ],
      ),
    )(variables);
    return tf.concat([tf.reshape(value, [1]), ...grads.map((g) => tf.reshape(g, [-1]))]);
  });
}

describe('interruption checks', () => {
  it('throw only inside interruptibly, with the innermost source deciding', async () => {
    const { network, x } = await setup();
    const weights = network.weights.map((w) => w.variable);
    const pass = () => tf.tidy(() => void forward(network, x, weights, { training: false }));
    expect(pass).not.toThrow();
    expect(() => interruptibly(() => true, pass)).toThrow(TrainingInterrupted);
    expect(() =>
      interruptibly(
        () => true,
        () => interruptibly(undefined, pass),
      ),
    ).not.toThrow();
    expect(() => interruptibly(() => false, pass)).not.toThrow();
    // The source is restored on the way out, even after a throw.
    expect(pass).not.toThrow();
    network.dispose();
    x.dispose();
  });

  it('leave no tensor behind and the engine intact, wherever in the forward or backward pass they throw', async () => {
    const { network, x } = await setup();
    let checks = 0;
    const complete = interruptibly(
      () => (checks++, false),
      () => lossAndGrads(network, x),
    );
    // 5 nodes forward; dense gradients and taps backward.
    expect(checks).toBeGreaterThan(network.nodes.length);
    for (let at = 1; at <= checks; at++) {
      const before = tf.memory().numTensors;
      let made = 0;
      expect(
        () =>
          interruptibly(
            () => ++made >= at,
            () => lossAndGrads(network, x),
          ),
        `check ${at}`,
      ).toThrow(TrainingInterrupted);
      expect(tf.memory().numTensors, `check ${at}`).toBe(before);
    }
    const again = lossAndGrads(network, x);
    expect(Array.from(again.dataSync())).toEqual(Array.from(complete.dataSync()));
    tf.dispose([complete, again, x]);
    network.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });
});
