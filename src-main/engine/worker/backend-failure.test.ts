/**
 * A backend that breaks mid-run ends its engine worker with a reason, once,
 * and the next engine trains: the worker runs the real engine with a genuine
 * WebAssembly trap injected into tfjs's kernel dispatch (inject-abort.ts), so
 * the trainer, service, worker entry and host all take the path a real
 * out-of-memory abort takes. Also: the worker refuses, before building
 * anything, a design whose step would not fit the WebAssembly heap.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { serializeDesign } from '../../../src-shared/design';
import { mlpDesign } from '../test-support';
import { BACKEND_FAILED_EXIT_CODE, backendFailure } from './backend-failure';
import type { EngineHostEvent as HostEvent } from '../../../src-shared/bridge';
import { createEngineHost, type EngineHost } from './host';
import { ABORT_DESIGN_NAME, wasmTrap } from './inject-abort';

describe('backendFailure', () => {
  it('recognises traps and out-of-memory errors, and nothing else', () => {
    let trap: unknown;
    try {
      wasmTrap();
    } catch (error) {
      trap = error;
    }
    expect(trap).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(backendFailure(trap)).toBe('WebAssembly stopped: memory access out of bounds');
    // What tfjs-backend-wasm threw here when a step outgrew its heap (a real run, 4 GB).
    expect(backendFailure(new RangeError('Invalid typed array length: 205520896'))).toBe(
      'out of memory: Invalid typed array length: 205520896',
    );
    expect(backendFailure(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toContain(
      'out of memory',
    );
    expect(backendFailure(new Error('OOM when allocating tensor with shape[4096,4096]'))).toBeDefined();
    expect(backendFailure(new Error('the design has a cycle'))).toBeUndefined();
    expect(backendFailure(new RangeError('Maximum call stack size exceeded'))).toBeUndefined();
  });
});

describe('engine worker with a backend that breaks', () => {
  const hosts: EngineHost[] = [];
  afterAll(() => Promise.all(hosts.map((h) => h.terminate())));

  const start = () => {
    const host = createEngineHost(new URL('./inject-abort-bootstrap.mjs', import.meta.url));
    hosts.push(host);
    const events: HostEvent[] = [];
    host.onEvent((event) => events.push(event));
    const until = (predicate: (event: HostEvent) => boolean) =>
      new Promise<HostEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for an engine event')), 60_000);
        const found = events.find(predicate);
        if (found) return resolve(found);
        const off = host.onEvent((event) => {
          if (!predicate(event)) return;
          clearTimeout(timer);
          off();
          resolve(event);
        });
      });
    return { host, events, until };
  };

  const design = (name: string) =>
    serializeDesign({ ...mlpDesign({ layers: 3, units: 32, activation: 'relu' }), name });

  it('ends the worker once, says why, and a fresh engine trains', async () => {
    const first = start();
    first.host.send({
      type: 'train.start',
      runId: 1,
      designText: design(ABORT_DESIGN_NAME),
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 1,
      maxSteps: 1000,
    });
    const exit = await first.until((e) => e.type === 'engine.onExit');
    expect(exit).toEqual({
      type: 'engine.onExit',
      code: BACKEND_FAILED_EXIT_CODE,
      message: expect.stringMatching(
        /^the compute backend failed \(WebAssembly stopped: memory access out of bounds\), so the engine was shut down and a fresh one starts with the next request; the design is kept\. .*lower the batch size/,
      ),
    });
    // The run had started; the failure is told once, as the engine's end, not as a run error.
    expect(first.events.some((e) => e.type === 'train.onStarted')).toBe(true);
    expect(first.events.filter((e) => e.type === 'engine.onExit')).toHaveLength(1);
    expect(first.events.some((e) => e.type === 'train.onError')).toBe(false);
    expect(() => first.host.send({ type: 'train.stop', runId: 1 })).toThrow('the engine is not running');

    // What the server and the desktop bridge do on engine.onExit: start a fresh engine.
    const second = start();
    second.host.send({
      type: 'train.start',
      runId: 2,
      designText: design('healthy'),
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 1,
      maxSteps: 5,
    });
    await second.until((e) => e.type === 'train.onState' && e.state === 'finished');
  });

  it('refuses a run that would not fit the WebAssembly heap, and keeps running', async () => {
    const { host, until } = start();
    // 2 → dense 4096 → 20 activations → 3 at batch 4096: about 11 GB for one step.
    const nodes: object[] = [
      { id: 'in', type: 'input', params: { shape: [2] } },
      { id: 'd', type: 'dense', params: { units: 4096 } },
      ...Array.from({ length: 20 }, (_, i) => ({
        id: `a${i}`,
        type: 'activation',
        params: { activation: 'relu' },
      })),
      { id: 'out', type: 'output', params: {} },
    ];
    const ids = nodes.map((n) => (n as { id: string }).id);
    const huge = JSON.stringify({
      format: 'backflow.design',
      formatVersion: 1,
      name: 'too wide a batch',
      graph: { nodes, edges: ids.slice(1).map((id, i) => ({ id: `e${i}`, source: ids[i], target: id })) },
      data: { source: 'builtin', name: 'spiral', samples: 5000, classes: 3 },
      training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 4096, epochs: 1, seed: 1 },
    });
    host.send({
      type: 'train.start',
      runId: 7,
      designText: huge,
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 1,
    });
    const refused = await until((e) => e.type === 'train.onError');
    expect(refused).toMatchObject({ runId: 7, error: { type: 'design' } });
    expect((refused as { error: { message: string } }).error.message).toMatch(
      /too large to train: one training step at batch 4000 needs about \d+\.\d GB, .* at most batch \d+ fits — lower the batch size/,
    );
    host.send({
      type: 'train.start',
      runId: 8,
      designText: design('healthy'),
      designDir: null,
      backend: 'wasm',
      telemetryEvery: 1,
      maxSteps: 3,
    });
    await until((e) => e.type === 'train.onState' && 'runId' in e && e.runId === 8 && e.state === 'finished');
  });
});
