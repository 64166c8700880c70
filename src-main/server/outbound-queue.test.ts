/**
 * A slow client cannot make the server hold telemetry without bound: past
 * the limit the oldest telemetry goes (and the client is told how many),
 * while every control event arrives, in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage, type WireFrame } from '../../src-shared/wire';
import { createOutboundQueue, type OutboundQueue } from './outbound-queue';

/** A socket whose send buffer the test fills and empties by hand. */
function slowSink() {
  const sent: { type: string; [key: string]: unknown }[] = [];
  const sink = {
    bufferedAmount: 0,
    send(frame: WireFrame) {
      sent.push(decodeMessage(frame) as (typeof sent)[number]);
    },
  };
  return { sink, sent };
}

const step = (n: number) => ({
  type: 'train.onStep',
  runId: 1,
  step: n,
  stats: new Float32Array(100).fill(n),
});
const state = (s: string) => ({ type: 'train.onState', runId: 1, state: s });
const limits = { highWaterBytes: 1000, maxQueuedTelemetry: 10, maxQueuedTelemetryBytes: 1 << 20, retryMs: 5 };

let queue: OutboundQueue | undefined;
afterEach(() => queue?.dispose());

describe('outbound queue', () => {
  it('sends at once while the socket has room', () => {
    const { sink, sent } = slowSink();
    queue = createOutboundQueue(sink, limits);
    queue.push(state('running'));
    queue.push(step(0));
    expect(sent.map((e) => e.type)).toEqual(['train.onState', 'train.onStep']);
    expect((sent[1].stats as Float32Array)[0]).toBe(0);
    expect(queue.length).toBe(0);
  });

  it('drops the oldest telemetry for a stalled socket, keeps every control event, reports the count', async () => {
    const { sink, sent } = slowSink();
    queue = createOutboundQueue(sink, limits);
    sink.bufferedAmount = 10_000; // the client stopped reading
    queue.push(state('running'));
    for (let n = 0; n < 1000; n++) {
      queue.push(step(n));
      if (n % 100 === 0) queue.push({ type: 'train.onEpoch', runId: 1, epoch: n / 100 });
    }
    queue.push(state('finished'));
    expect(sent).toEqual([]);
    // Bounded: 10 telemetry frames plus the 12 control events.
    expect(queue.length).toBe(10 + 12);
    expect(queue.dropped).toBe(990);

    sink.bufferedAmount = 0; // the client catches up
    await new Promise((resolve) => setTimeout(resolve, 30));
    const control = sent.filter((e) => e.type !== 'train.onStep' && e.type !== 'engine.onTelemetryDropped');
    expect(control.map((e) => (e.type === 'train.onEpoch' ? `epoch ${e.epoch}` : e.state))).toEqual([
      'running',
      ...Array.from({ length: 10 }, (_, i) => `epoch ${i}`),
      'finished',
    ]);
    const report = sent.findIndex((e) => e.type === 'engine.onTelemetryDropped');
    expect(sent[report]).toEqual({ type: 'engine.onTelemetryDropped', count: 990 });
    const steps = sent.filter((e) => e.type === 'train.onStep').map((e) => e.step);
    expect(steps).toEqual(Array.from({ length: 10 }, (_, i) => 990 + i)); // the newest survive
    expect(sent.findIndex((e) => e.type === 'train.onStep')).toBeGreaterThan(report);
  });

  it('bounds queued telemetry by bytes too', () => {
    const { sink } = slowSink();
    queue = createOutboundQueue(sink, { ...limits, maxQueuedTelemetry: 1000, maxQueuedTelemetryBytes: 2000 });
    sink.bufferedAmount = 10_000;
    for (let n = 0; n < 50; n++) queue.push(step(n)); // about 500 bytes each
    expect(queue.length).toBeLessThanOrEqual(4);
    expect(queue.dropped).toBe(50 - queue.length);
  });
});
