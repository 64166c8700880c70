/**
 * Backend choice under concurrent requests: the engine service handles
 * requests as they arrive, so a preview's `auto` and a run's `wasm` can ask at
 * once. They must settle on one backend that works, not switch it under each
 * other (which once failed a run with "Backend 'cpu' has not yet been
 * initialized"). Its own file: the choice is per process.
 */
import { expect, it } from 'vitest';
import { currentBackend, initBackend } from './backend';
import { tf } from './tf';

it('concurrent requests settle on one initialised backend', async () => {
  const [auto, wasm, again] = await Promise.all([
    initBackend('auto'),
    initBackend('wasm'),
    initBackend('auto'),
  ]);
  expect(auto.name).toBe('wasm'); // no native binding on these machines
  expect(wasm).toBe(auto);
  expect(again).toBe(auto);
  expect(currentBackend()).toBe(auto);
  expect(tf.getBackend()).toBe('wasm');
  expect(Array.from(tf.add(tf.scalar(1), tf.scalar(2)).dataSync())).toEqual([3]);
});
